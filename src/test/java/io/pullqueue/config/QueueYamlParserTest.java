package io.pullqueue.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.Limits;
import io.pullqueue.core.QueueMode;
import io.pullqueue.core.QueueSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** queue.yaml as App Engine defines it: what is accepted, what is refused, and how errors are reported. */
class QueueYamlParserTest {
    private final QueueYamlParser parser = new QueueYamlParser();

    private QueueConfig parse(String yaml) {
        return parser.parse("queue.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, QueueSpec> queues(String yaml) {
        return parse(yaml).queues().stream().collect(Collectors.toMap(QueueSpec::name, Function.identity()));
    }

    /** The single error message for a refused file. */
    private String refused(String yaml) {
        QueueConfigException e = assertThrows(QueueConfigException.class, () -> parse(yaml));
        assertEquals(1, e.errors().size(), () -> "expected one error, got " + e.errors());
        return e.errors().get(0);
    }

    private static String pull(String extra) {
        return "queue:\n- name: q\n  mode: pull\n" + extra;
    }

    @Test
    void theShippedQueueYamlIsValid() throws Exception {
        Map<String, QueueSpec> q =
                parse(new String(Files.readAllBytes(Path.of("queue.yaml")), StandardCharsets.UTF_8)).queues().stream()
                        .collect(Collectors.toMap(QueueSpec::name, s -> s));
        assertEquals(QueueMode.PULL, q.get("pull-queue").mode());
        assertEquals(5, q.get("orders").retryLimit());
        assertEquals(List.of("worker@example.com"), q.get("reports").acl().userEmails());
        assertEquals(List.of("producer@example.com"), q.get("reports").acl().writerEmails());
        assertEquals(0, q.get("high-throughput").leaseRequestsPerSecond());
        assertEquals(QueueMode.PUSH, q.get("emails").mode());
    }

    @Test
    void pullQueueDefaultsFollowAppEngine() {
        QueueSpec q = queues(pull("")).get("q");
        assertEquals(QueueMode.PULL, q.mode());
        assertNull(q.retryLimit());
        assertTrue(q.acl().isEmpty());
        assertEquals(Limits.DEFAULT_LEASE_REQUESTS_PER_SECOND, q.leaseRequestsPerSecond());
    }

    @Test
    void everyPullKeyIsRead() {
        QueueSpec q = queues(pull("  retry_parameters:\n    task_retry_limit: 7\n  lease_requests_per_second: 250\n"
                        + "  acl:\n  - user_email: a@example.com\n  - writer_email: b@example.com\n"
                        + "  - user_email: c@example.com\n"))
                .get("q");
        assertEquals(7, q.retryLimit());
        assertEquals(250, q.leaseRequestsPerSecond());
        assertEquals(List.of("a@example.com", "c@example.com"), q.acl().userEmails());
        assertEquals(List.of("b@example.com"), q.acl().writerEmails());
    }

    @Test
    void theDefaultPushQueueIsImplicitAndMayBeRedeclared() {
        assertEquals(QueueMode.PUSH, queues("queue:\n").get("default").mode());
        assertEquals(QueueMode.PUSH, queues("").get("default").mode());
        assertEquals(
                QueueMode.PULL,
                queues("queue:\n- name: default\n  mode: pull\n").get("default").mode());
    }

    @Test
    void aQueueWithoutModeIsAPushQueue() {
        QueueSpec q = queues("queue:\n- name: mails\n  rate: 10/m\n").get("mails");
        assertEquals(QueueMode.PUSH, q.mode());
        assertEquals(new QueueSpec.PushRate("10/m", 10.0 / 60, 5, null), q.pushRate(), "App Engine's bucket default");
        assertEquals(
                new QueueSpec.PushRate("5/s", 5, 5, null),
                queues("").get("default").pushRate());
        assertEquals(null, queues(pull("")).get("q").pushRate(), "a pull queue has no rate");
        assertEquals(
                1.0 / 3600,
                queues("queue:\n- name: h\n  rate: 1/h\n").get("h").pushRate().perSecond());
        assertEquals(
                2.0 / 86_400,
                queues("queue:\n- name: d\n  rate: 2/d\n").get("d").pushRate().perSecond());
        assertEquals(
                0, queues("queue:\n- name: z\n  rate: 0\n").get("z").pushRate().perSecond());
    }

    @Test
    void pushQueuesAcceptAppEngineKeys() {
        QueueSpec q = queues("queue:\n- name: p\n  mode: push\n  rate: 2.5/s\n  bucket_size: 500\n"
                        + "  max_concurrent_requests: 3\n  target: worker\n  retry_parameters:\n    task_retry_limit: 3\n"
                        + "    task_age_limit: 2d\n    min_backoff_seconds: 0.5\n    max_backoff_seconds: 60\n"
                        + "    max_doublings: 4\n")
                .get("p");
        assertEquals(QueueMode.PUSH, q.mode());
        assertEquals(3, q.retryLimit());
        assertEquals(new QueueSpec.PushRate("2.5/s", 2.5, 500, 3), q.pushRate());
    }

    @Test
    void queueNamesFollowTheRules() {
        String hundred = "a".repeat(Limits.MAX_QUEUE_NAME_LENGTH);
        assertTrue(queues("queue:\n- name: " + hundred + "\n  mode: pull\n").containsKey(hundred));
        assertTrue(queues("queue:\n- name: A-z-09\n  mode: pull\n").containsKey("A-z-09"));
        assertTrue(refused("queue:\n- name: " + hundred + "a\n  mode: pull\n")
                .contains("key \"name\": must match [a-zA-Z0-9-]{1,100}"));
        assertTrue(refused("queue:\n- name: under_score\n  mode: pull\n").contains("key \"name\""));
        assertTrue(refused("queue:\n- name: \"\"\n  mode: pull\n").contains("key \"name\""));
        assertTrue(refused("queue:\n- mode: pull\n").contains("every queue needs a name"));
    }

    @Test
    void errorsNameFileLineQueueAndKey() {
        assertEquals(
                "queue.yaml:5: queue \"q\": key \"retry_parameters.task_retry_limit\": must be a whole number,"
                        + " got \"many\"",
                refused(pull("  retry_parameters:\n    task_retry_limit: many\n")));
    }

    @Test
    void everyErrorOfAFileIsReported() {
        QueueConfigException e = assertThrows(
                QueueConfigException.class,
                () -> parse("queue:\n- name: a\n  mode: pull\n  rate: 5/s\n- name: b\n  mode: sideways\n- name: c_\n"));
        assertEquals(3, e.errors().size(), e.errors()::toString);
        assertTrue(
                e.errors().get(0).startsWith("queue.yaml:4: queue \"a\": key \"rate\": is not allowed in a pull"),
                e.errors().get(0));
        assertTrue(e.errors().get(1).contains("queue \"b\": key \"mode\": must be push or pull, got \"sideways\""));
        assertTrue(e.errors().get(2).contains("key \"name\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate: 5/s", "bucket_size: 5", "max_concurrent_requests: 2", "target: v1"})
    void pushKeysAreRefusedOnPullQueues(String line) {
        String key = line.substring(0, line.indexOf(':'));
        assertTrue(refused(pull("  " + line + "\n")).contains("key \"" + key + "\": is not allowed in a pull queue"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"task_age_limit: 1d", "min_backoff_seconds: 1", "max_backoff_seconds: 2", "max_doublings: 3"})
    void pushRetryParametersAreRefusedOnPullQueues(String line) {
        String key = line.substring(0, line.indexOf(':'));
        assertTrue(refused(pull("  retry_parameters:\n    " + line + "\n"))
                .contains("key \"retry_parameters." + key + "\": is not allowed in a pull queue"));
    }

    @Test
    void pullKeysAreRefusedOnPushQueues() {
        assertTrue(refused("queue:\n- name: p\n  rate: 1/s\n  acl:\n  - user_email: a@example.com\n")
                .contains("key \"acl\": is not allowed in a push queue"));
        assertTrue(refused("queue:\n- name: p\n  rate: 1/s\n  lease_requests_per_second: 3\n")
                .contains("key \"lease_requests_per_second\": is not allowed in a push queue"));
    }

    @Test
    void unknownKeysAreRefusedEverywhere() {
        assertTrue(refused(pull("  colour: blue\n")).contains("key \"colour\": unknown key"));
        assertTrue(refused(pull("  retry_parameters:\n    tries: 3\n"))
                .contains("key \"retry_parameters.tries\": unknown key"));
        assertTrue(refused("queues:\n- name: q\n").contains("key \"queues\": unknown top-level key"));
    }

    @Test
    void taskRetryLimitBounds() {
        assertEquals(
                Integer.MAX_VALUE,
                queues(pull("  retry_parameters:\n    task_retry_limit: 2147483647\n"))
                        .get("q")
                        .retryLimit());
        assertTrue(refused(pull("  retry_parameters:\n    task_retry_limit: -1\n"))
                .contains("must be between 0 and 2147483647, got -1"));
        assertTrue(refused(pull("  retry_parameters:\n    task_retry_limit: 2147483648\n"))
                .contains("must be between 0 and 2147483647"));
    }

    @Test
    void taskRetryLimitZeroIsAcceptedWithAWarning() {
        QueueConfig c = parse(pull("  retry_parameters:\n    task_retry_limit: 0\n"));
        assertEquals(0, c.queues().get(0).retryLimit());
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).contains("can never be leased"), c.warnings()::toString);
    }

    @Test
    void leaseRequestsPerSecondBounds() {
        assertEquals(
                0, queues(pull("  lease_requests_per_second: 0\n")).get("q").leaseRequestsPerSecond());
        assertEquals(
                1_000_000,
                queues(pull("  lease_requests_per_second: 1000000\n")).get("q").leaseRequestsPerSecond());
        assertTrue(refused(pull("  lease_requests_per_second: 1000001\n")).contains("between 0 and 1000000"));
        assertTrue(refused(pull("  lease_requests_per_second: -1\n")).contains("between 0 and 1000000"));
        assertTrue(refused(pull("  lease_requests_per_second: 1.5\n")).contains("must be a whole number"));
    }

    @Test
    void pushQueueValueRules() {
        assertTrue(refused("queue:\n- name: p\n").contains("key \"rate\": a push queue needs a rate"));
        assertTrue(refused("queue:\n- name: p\n  rate: fast\n").contains("key \"rate\": must be a number with /s"));
        assertEquals(
                QueueMode.PUSH,
                queues("queue:\n- name: p\n  rate: 0\n").get("p").mode());
        assertTrue(refused("queue:\n- name: p\n  rate: 1/s\n  bucket_size: 501\n")
                .contains("key \"bucket_size\": must be more than 0 and at most 500"));
        assertTrue(refused("queue:\n- name: p\n  rate: 1/s\n  bucket_size: 0\n").contains("more than 0"));
        assertTrue(refused("queue:\n- name: p\n  rate: 1/s\n  max_concurrent_requests: 0\n")
                .contains("key \"max_concurrent_requests\": must be between 1"));
        assertTrue(refused("queue:\n- name: p\n  rate: 1/s\n  retry_parameters:\n    task_age_limit: 0s\n")
                .contains("task_age_limit\": must be a positive number"));
        assertTrue(refused("queue:\n- name: p\n  rate: 1/s\n  retry_parameters:\n    min_backoff_seconds: 9\n"
                        + "    max_backoff_seconds: 3\n")
                .contains("must not be more than max_backoff_seconds"));
    }

    @Test
    void aclEntriesMustBeUserOrWriterEmails() {
        assertTrue(refused(pull("  acl:\n  - admin_email: a@example.com\n"))
                .contains("key \"acl.admin_email\": must be user_email or writer_email"));
        assertTrue(refused(pull("  acl: everyone\n")).contains("key \"acl\": must be a list"));
        assertTrue(refused(pull("  acl:\n  - user_email: a@example.com\n    writer_email: b@example.com\n"))
                .contains("each entry must be one user_email: or writer_email: line"));
    }

    @Test
    void duplicatesAreRefused() {
        assertTrue(refused("queue:\n- name: q\n  mode: pull\n- name: q\n  mode: pull\n")
                .contains("queue \"q\": key \"name\": the queue is declared more than once"));
        assertTrue(refused(pull("  mode: pull\n")).contains("key \"mode\": the key appears more than once"));
    }

    @Test
    void wrongShapesAreRefused() {
        assertTrue(refused("- name: q\n").contains("must be a mapping with a \"queue\" list"));
        assertTrue(refused("queue: q\n").contains("key \"queue\": must be a list of queue entries"));
        assertTrue(refused("queue:\n- q\n").contains("each queue entry must be a mapping"));
        assertTrue(refused(pull("  retry_parameters: 5\n")).contains("key \"retry_parameters\": must be a mapping"));
        assertTrue(refused("queue:\n- name: [a, b]\n").contains("must be a single value"));
        assertTrue(refused("queue: [\n").contains("not valid YAML"));
    }

    @Test
    void totalStorageLimitIsParsed() {
        assertEquals(1L << 30, parse("total_storage_limit: 1G\nqueue:\n").totalStorageLimitBytes());
        assertEquals(1536L, parse("total_storage_limit: 1.5K\n").totalStorageLimitBytes());
        assertEquals(120L, parse("total_storage_limit: 120\n").totalStorageLimitBytes());
        assertNull(parse("queue:\n").totalStorageLimitBytes());
        assertTrue(refused("total_storage_limit: lots\n").contains("key \"total_storage_limit\""));
    }

    @Test
    void otherAppEngineTopLevelKeysAreAccepted() {
        assertFalse(queues("application: myapp\nresume_paused_queues: true\nqueue:\n- name: q\n  mode: pull\n")
                .isEmpty());
    }

    @Test
    void aBillionLaughsFileIsRefusedWithoutExpandingIt() {
        StringBuilder b = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            b.append("a").append(i).append(": &a").append(i).append(" [");
            b.append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1))))
                    .append("]\n");
        }
        assertTrue(refused(b.toString()).contains("not valid YAML"));
    }

    @Test
    void deepNestingIsRefused() {
        assertTrue(refused("queue: " + "[".repeat(100) + "]".repeat(100) + "\n").contains("not valid YAML"));
    }

    @Test
    void sizeLimitBothSides() {
        String head = "queue:\n- name: q\n  mode: pull\n";
        byte[] atLimit = (head + "#".repeat(QueueYamlParser.MAX_FILE_BYTES - head.length() - 1) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(QueueYamlParser.MAX_FILE_BYTES, atLimit.length);
        assertTrue(parser.parse("queue.yaml", atLimit).queues().stream()
                .anyMatch(q -> q.name().equals("q")));
        byte[] over = new byte[QueueYamlParser.MAX_FILE_BYTES + 1];
        java.util.Arrays.fill(over, (byte) '#');
        QueueConfigException e = assertThrows(QueueConfigException.class, () -> parser.parse("queue.yaml", over));
        assertTrue(e.errors().get(0).contains("the limit is " + QueueYamlParser.MAX_FILE_BYTES));
    }

    @Test
    void nonUtf8IsRefused() {
        byte[] latin1 = "queue:\n- name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        QueueConfigException e = assertThrows(QueueConfigException.class, () -> parser.parse("queue.yaml", latin1));
        assertTrue(e.errors().get(0).contains("not valid UTF-8"));
    }

    @Test
    void objectTagsAreNotConstructed() {
        String msg = refused("queue: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[]]]\n");
        assertTrue(msg.contains("queue.yaml"), msg);
    }
}
