package io.pullqueue.worker;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A client of pullqueue's native API ({@code /api/v1}): add, lease, modify lease, delete, statistics and backlog.
 * Thread-safe; share one per process.
 *
 * <p>Retries: a call that gets {@code 503}/{@code 429} or {@code TRANSIENT_ERROR} (the server changed nothing), or
 * could not connect, is retried after an exponential backoff with jitter, at least as long as the server's
 * {@code Retry-After}, until {@link Builder#maxAttempts(int)} attempts were made. A call whose connection broke
 * after the request may have reached the server is retried only if doing it twice is harmless: every call but an
 * add of tasks without names. When the retries run out, {@link TransientException}; a refused call (4xx),
 * {@link PermanentException}.
 */
public final class PullQueueClient {

    /** The environment variable whose API key a client sends by default. */
    public static final String API_KEY_VARIABLE = "PULLQUEUE_API_KEY";

    /** The largest batch the server takes in one add, and in one delete. */
    static final int MAX_ADD = 100;
    static final int MAX_DELETE = 1000;

    private final URI api;
    private final HttpClient http;
    private final Credentials credentials;
    private final Backoff backoff;
    private final int maxAttempts;
    private final Duration requestTimeout;
    private final Sleeper sleeper;

    /** How the client waits between attempts (tests count the waits instead of waiting). */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private PullQueueClient(Builder b) {
        String base = b.baseUrl.endsWith("/") ? b.baseUrl : b.baseUrl + "/";
        this.api = URI.create(base).resolve("api/v1/queues/");
        // HTTP/1.1: a connection per concurrent call. The JDK's default, HTTP/2 over cleartext (h2c upgrade), put
        // all calls on one connection, and Open Liberty 26.0.0.3 wedged under it (response writes waiting forever).
        this.http = b.http != null ? b.http : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(b.connectTimeout).build();
        this.credentials = b.credentials;
        this.backoff = b.backoff;
        this.maxAttempts = b.maxAttempts;
        this.requestTimeout = b.requestTimeout;
        this.sleeper = b.sleeper;
    }

    /**
     * A client of the server at {@code baseUrl}, for example {@code http://localhost:9080}. When the environment
     * variable {@code PULLQUEUE_API_KEY} is set, every request carries it as {@code Authorization: Bearer <key>}
     * unless {@link Builder#apiKey(String)} or {@link Builder#credentials(Credentials)} says otherwise.
     */
    public static Builder builder(String baseUrl) {
        return builder(baseUrl, System.getenv());
    }

    /** {@link #builder(String)} with this environment (tests). */
    static Builder builder(String baseUrl, Map<String, String> environment) {
        Builder b = new Builder(baseUrl);
        String key = environment.get(API_KEY_VARIABLE);
        if (key != null && !key.isEmpty()) {
            try {
                b.credentials(Credentials.bearer(key));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(API_KEY_VARIABLE + ": " + e.getMessage(), e);
            }
        }
        return b;
    }

    public static final class Builder {
        private final String baseUrl;
        private HttpClient http;
        private Credentials credentials = Credentials.NONE;
        private Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2);
        private int maxAttempts = 6;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Sleeper sleeper = d -> Thread.sleep(d.toMillis());

        private Builder(String baseUrl) {
            URI uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl"));
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("baseUrl must be an http or https URL, got " + baseUrl);
            }
            this.baseUrl = baseUrl;
        }

        /**
         * Credentials added to every request (default: {@code PULLQUEUE_API_KEY} as a bearer key when it is set,
         * else none); see {@link Credentials#bearer(String)}, and {@link Credentials#NONE} to send nothing.
         */
        public Builder credentials(Credentials credentials) {
            this.credentials = Objects.requireNonNull(credentials);
            return this;
        }

        /**
         * Sends this API key (a line of the server's {@code pullqueue.api.keys.file}) as
         * {@code Authorization: Bearer <key>} with every request. A key the server does not know gives
         * {@link PermanentException} with status 401 and reason {@code UNAUTHENTICATED}; a call its roles or the
         * queue's {@code acl} do not allow, 403 {@code PERMISSION_DENIED}.
         */
        public Builder apiKey(String key) {
            return credentials(Credentials.bearer(key));
        }

        /** Waits between attempts (default 100 ms doubling up to 10 s, with jitter). */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** Attempts per call, the first included (default 6; 1 turns retries off). */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** How long one attempt may take, on top of a lease call's wait (default 30 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Use this HttpClient (for TLS settings, a proxy or an executor) instead of a default one. Build it with
         * {@code version(HttpClient.Version.HTTP_1_1)} for a plain-HTTP server (see the constructor).
         */
        public Builder httpClient(HttpClient http) {
            this.http = http;
            return this;
        }

        Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        public PullQueueClient build() {
            return new PullQueueClient(this);
        }
    }

    /** Adds tasks, in batches of 100; one result per task, in order. */
    public List<AddResult> add(String queue, List<NewTask> tasks) throws InterruptedException {
        List<AddResult> results = new ArrayList<>(tasks.size());
        for (int from = 0; from < tasks.size(); from += MAX_ADD) {
            List<NewTask> batch = tasks.subList(from, Math.min(tasks.size(), from + MAX_ADD));
            JsonArrayBuilder array = Json.createArrayBuilder();
            boolean allNamed = true;
            for (NewTask t : batch) {
                array.add(taskJson(t));
                allNamed &= t.name() != null;
            }
            JsonObject body = Json.createObjectBuilder().add("tasks", array).build();
            JsonObject answer = call("POST", path(queue) + "/tasks:batchAdd", body, Duration.ZERO, allNamed);
            for (JsonValue v : answer.getJsonArray("results")) {
                JsonObject r = v.asJsonObject();
                results.add(new AddResult(r.getString("name", null), r.getString("status")));
            }
        }
        return results;
    }

    /** Adds one task. */
    public AddResult add(String queue, NewTask task) throws InterruptedException {
        return add(queue, List.of(task)).get(0);
    }

    /** Leases due tasks, in ETA order; an empty list when none is due (after waiting, with a wait). */
    public List<LeasedTask> lease(String queue, LeaseOptions options) throws InterruptedException {
        return leaseCall(queue, options, null).tasks();
    }

    /**
     * Deletes {@code deleteNames} (at most 1000: typically the batch a worker just finished), then leases as
     * {@link #lease(String, LeaseOptions)}, in one call: a worker in steady state makes one round trip per batch.
     * The deletes are a batch delete's, one result per name ({@link DeleteResult#gone()}). The call is retried like
     * a lease (a delete repeated answers TOMBSTONED_TASK, which is gone too). When it fails, the deletes may or may
     * not have been done (the server did them first unless it refused the request): delete those names again.
     */
    public LeaseResult lease(String queue, LeaseOptions options, Collection<String> deleteNames)
            throws InterruptedException {
        if (deleteNames.size() > MAX_DELETE) {
            throw new IllegalArgumentException("at most " + MAX_DELETE + " names to delete, got " + deleteNames.size());
        }
        return leaseCall(queue, options, List.copyOf(deleteNames));
    }

    private LeaseResult leaseCall(String queue, LeaseOptions options, List<String> deleteNames)
            throws InterruptedException {
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("maxTasks", options.maxTasks())
                .add("leaseSeconds", seconds(options.lease()));
        if (options.tag() != null) {
            body.add("tag", options.tag());
        }
        if (options.groupByTag()) {
            body.add("groupByTag", true);
        }
        if (!options.pollWait().isZero()) {
            body.add("waitSeconds", seconds(options.pollWait()));
        }
        if (deleteNames != null) {
            JsonArrayBuilder names = Json.createArrayBuilder();
            deleteNames.forEach(names::add);
            body.add("deleteNames", names);
        }
        return call("POST", path(queue) + "/tasks:lease", body.build(), options.pollWait(), true,
                CompactLease.ACCEPT, response -> leaseAnswer(queue,
                        response.headers().firstValue("Content-Type").orElse(null), response.body(),
                        deleteNames != null));
    }

    /**
     * A lease's answer: the compact one when the server sent it (it does when the client asks, as every lease call
     * does), else JSON (a server older than the compact answer).
     */
    static LeaseResult leaseAnswer(String queue, String contentType, byte[] body, boolean deletes) {
        if (CompactLease.is(contentType)) {
            return CompactLease.read(queue, body, deletes);
        }
        JsonObject answer = parse(body);
        JsonArray tasks = answer.getJsonArray("tasks");
        List<LeasedTask> leased = new ArrayList<>(tasks.size());
        for (JsonValue v : tasks) {
            JsonObject t = v.asJsonObject();
            leased.add(new LeasedTask(queue, t.getString("name"), Base64.getDecoder().decode(t.getString("payload")),
                    t.getString("tag", null), usec(t, "etaUsec"), t.getString("leaseToken"),
                    t.getInt("retryCount", 0), usec(t, "createdUsec")));
        }
        JsonArray deleted = deletes ? answer.getJsonArray("deleted") : JsonValue.EMPTY_JSON_ARRAY;
        return new LeaseResult(leased, deleteResults(deleted));
    }

    /**
     * Sets a held task's lease to now + {@code lease}: extends it, or with zero gives the task back at once. A token
     * that is no longer current gives {@link PermanentException} {@code TASK_LEASE_EXPIRED}.
     */
    public LeaseRenewal modifyLease(String queue, String task, String leaseToken, Duration lease)
            throws InterruptedException {
        JsonObject body = Json.createObjectBuilder()
                .add("leaseToken", leaseToken)
                .add("leaseSeconds", seconds(lease))
                .build();
        JsonObject answer = call("POST", path(queue) + "/tasks/" + segment(task) + ":modifyLease", body,
                Duration.ZERO, true);
        return new LeaseRenewal(answer.getString("name"), usec(answer, "etaUsec"), answer.getString("leaseToken"));
    }

    /** Gives a held task back: leasable again at once. */
    public LeaseRenewal giveBack(LeasedTask task) throws InterruptedException {
        return modifyLease(task.queue(), task.name(), task.leaseToken(), Duration.ZERO);
    }

    /** Deletes tasks by name, in batches of 1000; one result per name, in order. */
    public List<DeleteResult> delete(String queue, Collection<String> names) throws InterruptedException {
        List<String> all = List.copyOf(names);
        List<DeleteResult> results = new ArrayList<>(all.size());
        for (int from = 0; from < all.size(); from += MAX_DELETE) {
            JsonArrayBuilder array = Json.createArrayBuilder();
            all.subList(from, Math.min(all.size(), from + MAX_DELETE)).forEach(array::add);
            JsonObject body = Json.createObjectBuilder().add("names", array).build();
            JsonObject answer = call("POST", path(queue) + "/tasks:batchDelete", body, Duration.ZERO, true);
            results.addAll(deleteResults(answer.getJsonArray("results")));
        }
        return results;
    }

    private static List<DeleteResult> deleteResults(JsonArray a) {
        List<DeleteResult> results = new ArrayList<>(a.size());
        for (JsonValue v : a) {
            JsonObject r = v.asJsonObject();
            results.add(new DeleteResult(r.getString("name"), r.getString("status")));
        }
        return results;
    }

    /** The queue's statistics. */
    public QueueStatistics statistics(String queue) throws InterruptedException {
        JsonObject q = call("GET", path(queue), null, Duration.ZERO, true);
        JsonObject s = q.getJsonObject("stats");
        return new QueueStatistics(q.getString("name"), q.getBoolean("paused", false), s.getJsonNumber("tasks")
                .longValue(), s.getJsonNumber("due").longValue(), s.getJsonNumber("inFlight").longValue(),
                s.getJsonNumber("leasedLastMinute").longValue(), s.getJsonNumber("leasedLastHour").longValue(),
                s.containsKey("oldestEtaUsec") && !s.isNull("oldestEtaUsec") ? usec(s, "oldestEtaUsec") : null);
    }

    /** The queue's backlog figures for scaling (a snapshot the server refreshes every few seconds). */
    public Backlog backlog(String queue) throws InterruptedException {
        JsonObject b = call("GET", path(queue) + "/backlog", null, Duration.ZERO, true);
        return new Backlog(b.getString("queue"), b.getJsonNumber("due").longValue(),
                b.getJsonNumber("inFlight").longValue(), b.getJsonNumber("oldestDueAgeSeconds").doubleValue(),
                usec(b, "asOfUsec"));
    }

    /**
     * One call with its retries. {@code repeatable}: doing the call twice is harmless, so it may be retried when the
     * connection broke after the request may have reached the server.
     */
    private JsonObject call(String method, String path, JsonObject body, Duration wait, boolean repeatable)
            throws InterruptedException {
        return call(method, path, body, wait, repeatable, "application/json",
                r -> r.statusCode() == 204 ? JsonValue.EMPTY_JSON_OBJECT : parse(r.body()));
    }

    /** {@link #call(String, String, JsonObject, Duration, boolean)} with this Accept, its answer read by {@code read}. */
    private <T> T call(String method, String path, JsonObject body, Duration wait, boolean repeatable, String accept,
                       Function<HttpResponse<byte[]>, T> read) throws InterruptedException {
        byte[] bytes = body == null ? null : body.toString().getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path))
                    .timeout(requestTimeout.plus(wait))
                    .header("Accept", accept);
            if (bytes == null) {
                request.GET();
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
            }
            credentials.apply(request);
            Failure failure;
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                failure = Failure.of(response);
                if (failure == null) {
                    return read.apply(response);
                }
            } catch (ConnectException | HttpConnectTimeoutException e) {
                failure = new Failure(0, null, null, "cannot connect to " + api.getAuthority() + ": " + e, false,
                        true, null, e);
            } catch (IOException e) {
                failure = new Failure(0, null, null, "connection to " + api.getAuthority() + " failed: " + e, true,
                        true, null, e);
            }
            if (!failure.retryable || (failure.outcomeUnknown && !repeatable) || attempt >= maxAttempts) {
                throw failure.exception(method + " " + path);
            }
            Duration delay = backoff.delay(attempt);
            if (failure.retryAfter != null && failure.retryAfter.compareTo(delay) > 0) {
                delay = failure.retryAfter;
            }
            sleeper.sleep(delay);
        }
    }

    /** Why an attempt failed, and whether another may succeed. */
    record Failure(int status, String reason, String field, String message, boolean outcomeUnknown,
                   boolean retryable, Duration retryAfter, Throwable cause) {

        /** The failure an answer reports, or {@code null} for a 2xx. */
        static Failure of(HttpResponse<byte[]> response) {
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return null;
            }
            String reason = null;
            String field = null;
            String message = "HTTP " + status;
            try {
                JsonObject error = parse(response.body()).getJsonObject("error");
                if (error != null) {
                    reason = error.getString("reason", null);
                    field = error.getString("field", null);
                    message = error.getString("message", message);
                }
            } catch (RuntimeException notJson) {
                // a proxy's page: the status alone decides
            }
            Duration retryAfter = response.headers().firstValue("Retry-After").map(Failure::seconds).orElse(null);
            return classify(status, reason, field, message, retryAfter);
        }

        /**
         * 503, 429 and {@code TRANSIENT_ERROR} changed nothing: retry. Other 5xx (a proxy's 502/504, a server
         * error) may or may not have: retry only what may be repeated. 4xx: the caller's mistake, no retry.
         */
        static Failure classify(int status, String reason, String field, String message, Duration retryAfter) {
            boolean nothingDone = status == 503 || status == 429 || "TRANSIENT_ERROR".equals(reason);
            if (nothingDone) {
                return new Failure(status, reason, field, message, false, true, retryAfter, null);
            }
            if (status >= 500) {
                return new Failure(status, reason, field, message, true, true, retryAfter, null);
            }
            return new Failure(status, reason, field, message, false, false, null, null);
        }

        private static Duration seconds(String header) {
            try {
                long s = Long.parseLong(header.trim());
                return s >= 0 ? Duration.ofSeconds(Math.min(s, 3600)) : null;
            } catch (NumberFormatException httpDate) {
                return null;
            }
        }

        PullQueueException exception(String call) {
            if (retryable) {
                return new TransientException(status, reason, call + ": " + message
                        + (outcomeUnknown ? " (it may have taken effect)" : ""), outcomeUnknown, cause);
            }
            return new PermanentException(status, reason, field, call + ": " + message);
        }
    }

    private static JsonObject parse(byte[] body) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            return reader.readObject();
        } catch (JsonException e) {
            throw new IllegalStateException("the server's answer is not a JSON object", e);
        }
    }

    private static JsonObject taskJson(NewTask t) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("payload", Base64.getEncoder().encodeToString(t.payload()));
        if (t.name() != null) {
            b.add("name", t.name());
        }
        if (t.tag() != null) {
            b.add("tag", t.tag());
        }
        if (t.eta() != null) {
            b.add("etaUsec", t.eta().getEpochSecond() * 1_000_000 + t.eta().getNano() / 1000);
        }
        if (t.delay() != null) {
            b.add("countdownSeconds", seconds(t.delay()));
        }
        if (t.retryLimit() != null) {
            b.add("retryLimit", t.retryLimit());
        }
        return b.build();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static Instant usec(JsonObject o, String key) {
        JsonNumber n = o.getJsonNumber(key);
        if (n == null) {
            return null;
        }
        long usec = n.longValue();
        return Instant.ofEpochSecond(Math.floorDiv(usec, 1_000_000), Math.floorMod(usec, 1_000_000) * 1000L);
    }

    private static String path(String queue) {
        return segment(queue);
    }

    /** A name as one URL path segment: the server's names are URL-safe; anything else is percent-encoded. */
    static String segment(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a queue or task name must not be empty");
        }
        StringBuilder out = new StringBuilder(name.length());
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
