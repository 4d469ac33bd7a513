package it.io.pullqueue.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.io.pullqueue.Http;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.microshed.testing.jupiter.MicroShedTest;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/kubernetes: every manifest parses as Kubernetes objects, and what the KEDA ScaledObjects read gives a number
 * from a running server: the Metrics API scaler's URL with its valueLocation evaluated as KEDA does (GJSON), and the
 * Prometheus scaler's series in /metrics. Both must count the due tasks of the queue they name.
 */
@MicroShedTest
class KubernetesManifestsIT {
    private static final Path DIR = Path.of("deploy", "kubernetes");

    /** Liberty reports itself started (CWWKF0011I) before the application is, on a busy machine. */
    @BeforeAll
    static void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (Http.get("/health/ready").status() != 200 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    @Test
    void everyManifestIsAListOfKubernetesObjects() throws IOException {
        List<Map<String, Object>> docs = documents();
        assertTrue(docs.size() >= 8, "manifests found: " + docs.size());
        for (Map<String, Object> d : docs) {
            assertNotNull(d.get("apiVersion"), "apiVersion in " + d);
            assertNotNull(d.get("kind"), "kind in " + d);
            assertNotNull(map(d, "metadata").get("name"), "metadata.name in " + d);
        }
    }

    @Test
    void theMetricsApiScalerReadsTheDueCountFromTheServer() throws Exception {
        Map<String, Object> trigger = trigger("metrics-api");
        Map<String, Object> meta = map(trigger, "metadata");
        assertEquals("json", meta.get("format"));
        URI url = URI.create((String) meta.get("url"));
        String path = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String queue = queueOf(path);
        Double.parseDouble((String) meta.get("targetValue"));

        Http.post("/api/v1/queues/" + queue + ":purge", "");
        for (int i = 0; i < 3; i++) {
            Http.post(
                    "/api/v1/queues/" + queue + "/tasks",
                    Json.createObjectBuilder().add("payload", "AQ==").build());
        }
        // the backlog is a snapshot the maintenance timer refreshes: poll until it shows the three tasks
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Http.Resp r = null;
        JsonValue v = null;
        while (System.nanoTime() < deadline) {
            r = Http.get(path);
            v = r.status() == 200 ? GjsonPath.get(r.json(), (String) meta.get("valueLocation")) : null;
            if (v != null && v.toString().equals("3")) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertEquals(200, r.status(), path + ": " + r.body());
        assertNotNull(v, "valueLocation " + meta.get("valueLocation") + " finds nothing in " + r.body());
        assertEquals(JsonValue.ValueType.NUMBER, v.getValueType(), "KEDA needs a number: " + r.body());
        assertEquals("3", v.toString(), "the value counts the due tasks");
        Http.post("/api/v1/queues/" + queue + ":purge", "");
    }

    @Test
    void thePrometheusScalerQueriesASeriesTheServerExports() throws Exception {
        Map<String, Object> meta = map(trigger("prometheus"), "metadata");
        Double.parseDouble((String) meta.get("threshold"));
        Matcher m = Pattern.compile("\\w+\\((\\w+)\\{queue=\"([^\"]+)\"}\\)").matcher((String) meta.get("query"));
        assertTrue(m.matches(), "an aggregation over one metric of one queue: " + meta.get("query"));
        String series = m.group(1) + "{";
        String label = "queue=\"" + m.group(2) + "\"";
        // a queue's gauges appear with the maintenance timer's first refresh after it is declared: poll
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<String> lines = List.of();
        while (lines.isEmpty() && System.nanoTime() < deadline) {
            lines = Http.get("/metrics?scope=application")
                    .body()
                    .lines()
                    .filter(l -> l.startsWith(series) && l.contains(label))
                    .toList();
            if (lines.isEmpty()) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        assertFalse(lines.isEmpty(), "no series " + series + label + "} in /metrics");
        for (String l : lines) {
            Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
        }
    }

    private static String queueOf(String path) {
        Matcher m = Pattern.compile("/api/v1/queues/([^/]+)/backlog").matcher(path);
        assertTrue(m.matches(), "the backlog endpoint: " + path);
        return m.group(1);
    }

    private static Map<String, Object> trigger(String type) throws IOException {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> d : documents()) {
            if ("ScaledObject".equals(d.get("kind"))) {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> triggers =
                        (List<Map<String, Object>>) map(d, "spec").get("triggers");
                triggers.stream().filter(t -> type.equals(t.get("type"))).forEach(found::add);
            }
        }
        assertEquals(1, found.size(), "one " + type + " trigger in " + DIR);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m.get(key);
        assertTrue(v instanceof Map, key + " is a mapping in " + m);
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader r = Files.newBufferedReader(f)) {
                    for (Object d : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r)) {
                        assertTrue(d instanceof Map, f + ": every document is a mapping");
                        docs.add((Map<String, Object>) d);
                    }
                }
            }
        }
        return docs;
    }
}
