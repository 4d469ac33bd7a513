package io.pullqueue.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pullqueue itself: the WAR built by the top-level Maven build, on the Open Liberty runtime that build unpacked
 * (target/liberty/wlp), as a server of its own ({@code pullqueue-bench*}) with its own data directory and a
 * queue.yaml whose {@code bench} queue has no lease-request throttle. Driven over its native JSON API.
 */
final class PullqueuePeer implements Peer {
    static final String QUEUE_PATH = "/api/v1/queues/bench";
    /** The compact lease answer's media type, asked for as the worker library asks (docs/api.md). */
    static final String COMPACT = "application/vnd.pullqueue.leased";
    private static final String ACCEPT_COMPACT = COMPACT + ", application/json;q=0.5";
    private static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]+)\"");
    private static final Pattern DUE = Pattern.compile("\"due\":(\\d+)");

    private final String name;
    private final Path repo;
    private final Path work;
    private final int port;
    private final Map<String, String> env;
    private final String serverName;
    private final Map<Integer, String> addBodies = new ConcurrentHashMap<>();
    private static final String OWN_DATABASE = "pullqueue_bench_store";
    private boolean ownDatabase;
    private long firstStartMillis = -1;
    private boolean jfrDumped;

    /**
     * @param store null for the embedded store; otherwise the value given to PULLQUEUE_STORE (plus whatever
     *              {@code extraEnv} holds, e.g. the PostgreSQL URL)
     */
    PullqueuePeer(Path repo, Path work, int port, String store, Map<String, String> extraEnv) {
        this(repo, work, port, store, extraEnv, store);
    }

    /**
     * The embedded store asking every caller for an API key ({@code PULLQUEUE_AUTH_MODE=required}, a key file of
     * one consumer+producer key, which the driver's {@link Http} then sends): the ceiling's authentication-on run.
     */
    static PullqueuePeer withApiKey(Path repo, Path work, int port) throws IOException {
        byte[] random = new byte[18];
        new java.security.SecureRandom().nextBytes(random);
        String key = "bench-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path keys = Files.writeString(work.resolve("pullqueue-bench-auth.keys"), key + " bench@example.com consumer,producer\n");
        Http.authorize(port, key);
        return new PullqueuePeer(repo, work, port, null,
                Map.of("PULLQUEUE_AUTH_MODE", "required", "PULLQUEUE_API_KEYS_FILE", keys.toString()), "auth");
    }

    /**
     * Server {@code index} of several on one PostgreSQL database (the scale-out run's): server
     * {@code pullqueue-bench-scale-INDEX}, on {@code database}, which the caller creates and drops.
     */
    static PullqueuePeer onSharedDatabase(Path repo, Path work, int port, int index, String database) {
        return new PullqueuePeer(repo, work, port, "postgres", Map.of(
                "PULLQUEUE_POSTGRES_HOST", "127.0.0.1",
                "PULLQUEUE_POSTGRES_PORT", "5432",
                "PULLQUEUE_POSTGRES_DATABASE", database,
                "PULLQUEUE_POSTGRES_USER", "postgres"), "scale-" + index);
    }

    private PullqueuePeer(Path repo, Path work, int port, String store, Map<String, String> extraEnv, String label) {
        this.repo = repo;
        this.port = port;
        this.name = label == null ? "pullqueue" : "pullqueue-" + label;
        this.serverName = label == null ? "pullqueue-bench" : "pullqueue-bench-" + label;
        this.work = work.resolve(serverName);
        Map<String, String> e = new LinkedHashMap<>();
        e.put("PULLQUEUE_QUEUE_CONFIG", repo.resolve("bench/config/queue.yaml").toString());
        e.put("PULLQUEUE_DATA_DIR", this.work.resolve("data").toString());
        e.put("PULLQUEUE_SQLITE_SYNCHRONOUS", "FULL");
        if (store != null) {
            e.put("PULLQUEUE_STORE", store);
        }
        if ("postgres".equals(store) && !extraEnv.containsKey("PULLQUEUE_POSTGRES_DATABASE")) {
            // A database of the harness's own on the machine's PostgreSQL, created in start() and dropped in close().
            e.put("PULLQUEUE_POSTGRES_HOST", "127.0.0.1");
            e.put("PULLQUEUE_POSTGRES_PORT", "5432");
            e.put("PULLQUEUE_POSTGRES_DATABASE", OWN_DATABASE);
            e.put("PULLQUEUE_POSTGRES_USER", "postgres");
            ownDatabase = true;
        }
        e.putAll(extraEnv);
        this.env = e;
    }

    @Override
    public String name() {
        return name;
    }

    int port() {
        return port;
    }

    Path repo() {
        return repo;
    }

    long firstStartMillis() {
        return firstStartMillis;
    }

    private Path wlp() {
        return repo.resolve("target/liberty/wlp");
    }

    private Path serverDir() {
        return wlp().resolve("usr/servers").resolve(serverName);
    }

    @Override
    public void start() throws Exception {
        if (Procs.listening(port)) {
            throw new IOException("port " + port + " is busy; is an earlier pullqueue-bench server still running? ("
                    + wlp().resolve("bin/server") + " stop " + serverName + ")");
        }
        Path war = repo.resolve("target/pullqueue.war");
        Path driver = repo.resolve("target/jdbc/sqlite-jdbc.jar");
        if (!Files.exists(wlp().resolve("bin/server")) || !Files.exists(war) || !Files.exists(driver)) {
            throw new IOException("build pullqueue first: mvn -DskipTests package liberty:create (needs "
                    + war + ", " + driver + " and " + wlp() + ")");
        }
        Procs.deleteTree(serverDir());
        Procs.deleteTree(work);
        if (ownDatabase) {
            PostgresPeer.recreate(OWN_DATABASE);
        }
        Files.createDirectories(work.resolve("data"));
        Procs.run(List.of(wlp().resolve("bin/server").toString(), "create", serverName), Map.of(), 120);
        Path dir = serverDir();
        Files.copy(repo.resolve("liberty/server.xml"), dir.resolve("server.xml"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(repo.resolve("liberty/jvm.options"), dir.resolve("jvm.options"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(dir.resolve("lib/jdbc"));
        Files.copy(driver, dir.resolve("lib/jdbc/sqlite-jdbc.jar"), StandardCopyOption.REPLACE_EXISTING);
        try (var jars = Files.list(repo.resolve("target/jdbc"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                Files.copy(jar, dir.resolve("lib/jdbc").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createDirectories(dir.resolve("apps"));
        Files.copy(war, dir.resolve("apps/pullqueue.war"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(dir.resolve("configDropins/overrides"));
        Files.writeString(dir.resolve("configDropins/overrides/bench.xml"), """
                <server>
                    <variable name="http.port" value="%d"/>
                    <variable name="https.port" value="%d"/>
                    <variable name="http.host" value="127.0.0.1"/>
                    <variable name="app.context.root" value="/"/>
                </server>
                """.formatted(port, port + 1));
        firstStartMillis = startAndAwaitReady();
        if (JFR != null) {
            jcmd("JFR.start", "name=bench", "settings=profile");
        }
    }

    /**
     * With -Dbench.jfr.phases=DIR, each ceiling phase (ping, lease of one) is recorded on its own: DIR/PEER-PHASE.jfr
     * (JFR settings: -Dbench.jfr.settings=FILE.jfc, default profile).
     */
    private static final String JFR_PHASES = System.getProperty("bench.jfr.phases");

    /** Starts or stops (and dumps) a flight recording of one phase, with -Dbench.jfr.phases=DIR. */
    void recordPhase(String phase, boolean start) {
        if (JFR_PHASES == null) {
            return;
        }
        if (start) {
            jcmd("JFR.start", "name=" + phase, "settings=" + System.getProperty("bench.jfr.settings", "profile"));
        } else {
            Path file = Path.of(JFR_PHASES).toAbsolutePath().resolve(name + "-" + phase + ".jfr");
            jcmd("JFR.stop", "name=" + phase, "filename=" + file);
        }
    }

    /** With -Dbench.jfr=FILE, the first server JVM records a flight recording, dumped to FILE when the peer closes. */
    private static final String JFR = System.getProperty("bench.jfr");

    private void jcmd(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid())));
        cmd.addAll(List.of(args));
        try {
            Procs.run(cmd, Map.of(), 120);
        } catch (Exception e) {
            System.err.println("jcmd " + String.join(" ", args) + " failed: " + e.getMessage());
        }
    }

    private long startAndAwaitReady() throws Exception {
        long t0 = System.nanoTime();
        Procs.run(List.of(wlp().resolve("bin/server").toString(), "start", serverName), env, 300);
        long deadline = System.currentTimeMillis() + 300_000;
        while (!isReady()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException(name + " not ready after 300 s; see " + serverDir().resolve("logs"));
            }
            Thread.sleep(50);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private boolean isReady() {
        try (Http http = new Http("127.0.0.1", port)) {
            return http.get("/health/ready").status() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    private void stopServer() throws Exception {
        Procs.run(List.of(wlp().resolve("bin/server").toString(), "stop", serverName), env, 120);
    }

    @Override
    public long restartToReadyMillis() throws Exception {
        dumpJfr();
        stopServer();
        return startAndAwaitReady();
    }

    @Override
    public long pid() {
        try {
            return Long.parseLong(Files.readString(wlp().resolve("usr/servers/.pid").resolve(serverName + ".pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public long heapAfterGc() {
        return Procs.heapAfterGc(pid());
    }

    @Override
    public void clear() throws Exception {
        try (Http http = new Http("127.0.0.1", port)) {
            check(http.post(QUEUE_PATH + ":purge", "{}"), 200);
        }
    }

    @Override
    public long ready() throws Exception {
        try (Http http = new Http("127.0.0.1", port)) {
            Http.Response r = check(http.get(QUEUE_PATH), 200);
            Matcher m = DUE.matcher(r.body());
            if (!m.find()) {
                throw new IOException("no due count in " + r.body());
            }
            return Long.parseLong(m.group(1));
        }
    }

    @Override
    public void fill(long n, byte[] payload) throws Exception {
        Fill.parallel(this, n, payload, 4);
    }

    @Override
    public Session session() {
        return new PqSession(new Http("127.0.0.1", port), false);
    }

    /** A session whose lease calls ask for the compact answer ({@value #COMPACT}) instead of JSON. */
    Session compactSession() {
        return new PqSession(new Http("127.0.0.1", port), true);
    }

    Http.Response ping(Http http) throws IOException {
        return check(http.get("/api/v1/ping"), 200);
    }

    @Override
    public Map<String, String> describe() throws Exception {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("version", gitDescribe() + " (WAR built from this tree), Open Liberty " + libertyVersion());
        d.put("durability", env.containsKey("PULLQUEUE_STORE")
                ? "store " + env.get("PULLQUEUE_STORE") + " (its own commit settings)"
                : "embedded SQLite, WAL, synchronous=FULL (fsync per commit), group commit");
        d.put("runs as", "Liberty server " + serverName + " on 127.0.0.1:" + port + ", jvm.options of the repo (-Xmx512m, G1)");
        d.put("client", "own HTTP/1.1 client, one kept-alive socket per thread, TCP_NODELAY; native JSON API");
        return d;
    }

    private String gitDescribe() {
        try {
            return "git " + Procs.run(List.of("git", "-C", repo.toString(), "describe", "--always", "--dirty"), Map.of(), 30).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private String libertyVersion() {
        try {
            Path props = wlp().resolve("lib/versions/openliberty.properties");
            for (String line : Files.readAllLines(props)) {
                if (line.startsWith("com.ibm.websphere.productVersion=")) {
                    return line.substring(line.indexOf('=') + 1);
                }
            }
        } catch (IOException e) {
            return "?";
        }
        return "?";
    }

    private void dumpJfr() {
        if (JFR != null && !jfrDumped) {
            jfrDumped = true;
            jcmd("JFR.dump", "name=bench", "filename=" + Path.of(JFR).toAbsolutePath());
        }
    }

    @Override
    public void close() {
        dumpJfr();
        try {
            if (Files.exists(serverDir())) {
                stopServer();
            }
        } catch (Exception e) {
            System.err.println("could not stop " + serverName + ": " + e.getMessage());
        }
        if (ownDatabase) {
            PostgresPeer.drop(OWN_DATABASE);
        }
    }

    static Http.Response check(Http.Response r, int expected) throws IOException {
        if (r.status() != expected) {
            throw new IOException("HTTP " + r.status() + ": " + (r.body().length() > 300 ? r.body().substring(0, 300) : r.body()));
        }
        return r;
    }

    private String addBody(int n, byte[] payload) {
        return addBodies.computeIfAbsent(n, k -> {
            String task = "{\"payload\":\"" + Base64.getEncoder().encodeToString(payload) + "\"}";
            StringBuilder sb = new StringBuilder(k * (task.length() + 1) + 16).append("{\"tasks\":[");
            for (int i = 0; i < k; i++) {
                sb.append(i == 0 ? "" : ",").append(task);
            }
            return sb.append("]}").toString();
        });
    }

    private static List<Object> names(String body, int n) {
        List<Object> names = new ArrayList<>(n);
        Matcher m = NAME.matcher(body);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static void appendNames(StringBuilder sb, List<Object> names) {
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "\"" : ",\"").append(names.get(i)).append('"');
        }
    }

    /**
     * The names of the tasks in a compact lease answer (docs/api.md, "The compact lease answer"), skipping every other
     * field: what the driver needs to delete them.
     */
    static List<Object> compactNames(byte[] b) throws IOException {
        if (b.length < 5 || b[0] != 'P' || b[1] != 'Q' || b[2] != 'L' || b[3] != 1) {
            throw new IOException("not a compact lease answer of version 1");
        }
        ByteBuffer in = ByteBuffer.wrap(b, 5, b.length - 5);
        skip(in, in.getShort() & 0xffff); // the queue
        int count = in.getInt();
        List<Object> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int flags = in.get();
            int length = in.getShort() & 0xffff;
            names.add(new String(b, in.position(), length, StandardCharsets.US_ASCII));
            in.position(in.position() + length + 8 + 8 + 4 + 8 + ((flags & 8) != 0 ? 4 : 0));
            if ((flags & 2) != 0) {
                skip(in, in.getShort() & 0xffff); // the tag
            }
            int size = in.getInt();
            if ((flags & 1) != 0) {
                skip(in, size); // the payload
            }
        }
        return names;
    }

    /** Moves past n bytes (a length read first: {@code position() + getShort()} would add to the old position). */
    private static void skip(ByteBuffer in, int n) {
        in.position(in.position() + n);
    }

    private final class PqSession implements Session {
        private final Http http;
        private final boolean compact;
        private final Map<Integer, String> leaseBodies = new HashMap<>();
        private long answerBytes;

        PqSession(Http http, boolean compact) {
            this.http = http;
            this.compact = compact;
        }

        @Override
        public long leaseAnswerBytes() {
            return answerBytes;
        }

        /** A lease call's answer, in the form this session asks for. */
        private Http.Response leaseCall(String body) throws IOException {
            Http.Response r = compact
                    ? http.post(QUEUE_PATH + "/tasks:lease", body, ACCEPT_COMPACT)
                    : http.post(QUEUE_PATH + "/tasks:lease", body);
            check(r, 200);
            answerBytes += r.bytes().length;
            if (compact != r.contentType().startsWith(COMPACT)) {
                throw new IOException("asked for " + (compact ? COMPACT : "JSON") + ", got " + r.contentType());
            }
            return r;
        }

        @Override
        public List<Object> lease(int n) throws Exception {
            String body = leaseBodies.computeIfAbsent(n, k -> "{\"maxTasks\":" + k + ",\"leaseSeconds\":600}");
            Http.Response r = leaseCall(body);
            return compact ? compactNames(r.bytes()) : names(r.body(), n);
        }

        @Override
        public List<Object> leaseDeleting(int n, List<Object> previous) throws Exception {
            if (previous.isEmpty()) {
                return lease(n);
            }
            StringBuilder sb = new StringBuilder(previous.size() * 28 + 64)
                    .append("{\"maxTasks\":").append(n).append(",\"leaseSeconds\":600,\"deleteNames\":[");
            appendNames(sb, previous);
            Http.Response r = leaseCall(sb.append("]}").toString());
            if (compact) {
                return compactNames(r.bytes()); // the deleted section after the tasks is not read
            }
            String answer = r.body();
            // The leased tasks come first; the per-name delete results after them name tasks too.
            int deleted = answer.lastIndexOf(",\"deleted\":[");
            return names(deleted < 0 ? answer : answer.substring(0, deleted), n);
        }

        @Override
        public void delete(List<Object> handles) throws Exception {
            if (handles.size() == 1) {
                check(http.delete(QUEUE_PATH + "/tasks/" + handles.get(0)), 204);
                return;
            }
            StringBuilder sb = new StringBuilder(handles.size() * 28 + 16).append("{\"names\":[");
            appendNames(sb, handles);
            check(http.post(QUEUE_PATH + "/tasks:batchDelete", sb.append("]}").toString()), 200);
        }

        @Override
        public void add(int n, byte[] payload) throws Exception {
            check(http.post(QUEUE_PATH + "/tasks:batchAdd", addBody(n, payload)), 200);
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
