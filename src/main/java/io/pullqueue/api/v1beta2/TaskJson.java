package io.pullqueue.api.v1beta2;

import io.pullqueue.api.http.JsonInput;
import io.pullqueue.api.http.Jsons;
import io.pullqueue.core.Limits;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.QueueStats;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskDraft;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The JSON model of v1beta2: {@code Task}, {@code Tasks} (lease), {@code Tasks2} (list) and {@code TaskQueue}.
 * 64-bit numbers are JSON strings; {@code enqueueTimestamp} and {@code leaseTimestamp} are µs since the epoch,
 * {@code stats.oldestTask} is seconds; the lease count is {@code retry_count} (snake case, as Google has it).
 */
final class TaskJson {
    private TaskJson() {}

    static final String TASK_KIND = "taskqueues#task";
    static final String LEASED_KIND = "taskqueue#tasks";
    static final String LIST_KIND = "taskqueues#tasks";
    static final String QUEUE_KIND = "taskqueues#taskqueue";

    private static final Set<String> TASK_FIELDS = Set.of(
            "kind",
            "id",
            "queueName",
            "payloadBase64",
            "enqueueTimestamp",
            "leaseTimestamp",
            "retry_count",
            "tag",
            "tagBase64");

    static JsonObject task(Task t) {
        JsonObjectBuilder b = Jsons.BUILDERS
                .createObjectBuilder()
                .add("kind", TASK_KIND)
                .add("id", t.name())
                .add("queueName", t.queue());
        if (t.payload() != null) {
            b.add("payloadBase64", Base64.getUrlEncoder().encodeToString(t.payload()));
        }
        b.add("enqueueTimestamp", Long.toString(t.createdUsec()))
                .add("leaseTimestamp", Long.toString(t.etaUsec()))
                .add("retry_count", t.retryCount());
        if (t.tag() != null && t.tag().isText()) {
            b.add("tag", t.tag().text());
        } else if (t.tag() != null) {
            b.add("tagBase64", t.tag().base64());
        }
        return b.build();
    }

    /** {@code Tasks} (lease) or {@code Tasks2} (list); {@code items} is left out when empty, as Google does. */
    static JsonObject tasks(String kind, List<Task> tasks) {
        JsonObjectBuilder b = Jsons.BUILDERS.createObjectBuilder().add("kind", kind);
        if (!tasks.isEmpty()) {
            JsonArrayBuilder a = Jsons.BUILDERS.createArrayBuilder();
            tasks.forEach(t -> a.add(task(t)));
            b.add("items", a);
        }
        return b.build();
    }

    static JsonObject queue(QueueSpec spec, QueueStats stats) {
        JsonObjectBuilder b =
                Jsons.BUILDERS.createObjectBuilder().add("kind", QUEUE_KIND).add("id", spec.name());
        if (spec.retryLimit() != null) {
            b.add("maxLeases", spec.retryLimit());
        }
        JsonArrayBuilder consumers = Jsons.BUILDERS.createArrayBuilder();
        spec.acl().userEmails().forEach(consumers::add);
        JsonArrayBuilder producers = Jsons.BUILDERS.createArrayBuilder();
        spec.acl().writerEmails().forEach(producers::add);
        b.add(
                "acl",
                Jsons.BUILDERS
                        .createObjectBuilder()
                        .add("adminEmails", Jsons.BUILDERS.createArrayBuilder())
                        .add("consumerEmails", consumers)
                        .add("producerEmails", producers));
        if (stats != null) {
            QueueCounts c = stats.counts();
            Long oldest = c.oldestEtaUsec();
            b.add(
                    "stats",
                    Jsons.BUILDERS
                            .createObjectBuilder()
                            .add("totalTasks", (int) Math.min(c.tasks(), Integer.MAX_VALUE))
                            .add("oldestTask", Long.toString(oldest == null ? 0 : oldest / Limits.USEC_PER_SECOND))
                            .add("leasedLastMinute", Long.toString(stats.leasedLastMinute()))
                            .add("leasedLastHour", Long.toString(stats.leasedLastHour())));
        }
        return b.build();
    }

    /**
     * A task body as sent to insert, update or patch. Unknown fields are refused so typos do not pass silently;
     * the output-only {@code kind}, {@code enqueueTimestamp} and {@code retry_count} are accepted and ignored.
     * {@code queueName} and {@code id}, when given, must agree with the URL.
     */
    static JsonObject body(JsonObject o, String queue, String task) {
        for (String k : o.keySet()) {
            if (!TASK_FIELDS.contains(k)) {
                throw GoogleErrors.invalid(
                        k,
                        "unknown field " + k + " in the task; allowed: "
                                + String.join(
                                        ", ", TASK_FIELDS.stream().sorted().toList()));
            }
        }
        String q = JsonInput.string(o, "queueName");
        if (q != null && !q.equals(queue) && !q.endsWith("/taskqueues/" + queue)) {
            throw GoogleErrors.invalid(
                    "queueName", "queueName " + q + " does not match the queue " + queue + " in the URL");
        }
        String id = JsonInput.string(o, "id");
        if (task != null && id != null && !id.isEmpty() && !id.equals(task)) {
            throw GoogleErrors.invalid("id", "id " + id + " does not match the task " + task + " in the URL");
        }
        // Every field the client may send back is checked for its type, even where it is then ignored.
        JsonInput.string(o, "kind");
        JsonInput.int64(o, "enqueueTimestamp");
        JsonInput.int64(o, "leaseTimestamp");
        JsonInput.integer(o, "retry_count");
        JsonInput.tag(o);
        JsonInput.base64(o, "payloadBase64");
        return o;
    }

    /**
     * The task to add: {@code id} (optional), {@code payloadBase64}, {@code tag} or {@code tagBase64},
     * {@code leaseTimestamp} as ETA.
     */
    static TaskDraft draft(JsonObject o) {
        String id = JsonInput.string(o, "id");
        byte[] payload = JsonInput.base64(o, "payloadBase64");
        if (payload == null) {
            throw GoogleErrors.invalid("payloadBase64", "payloadBase64 is required (it may be empty)");
        }
        return new TaskDraft(
                id == null || id.isEmpty() ? null : id,
                payload,
                JsonInput.tag(o),
                JsonInput.int64(o, "leaseTimestamp"),
                null,
                null);
    }
}
