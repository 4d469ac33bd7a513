package io.pullqueue.api.rest;

import io.pullqueue.api.http.JsonInput;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.TaskDraft;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Turns native-API task JSON into {@link TaskDraft}s. Unknown fields are refused so typos do not pass silently. */
final class TaskInput {
    private TaskInput() {}

    private static final Set<String> TASK_FIELDS =
            Set.of("payload", "name", "tag", "tagBase64", "eta", "etaUsec", "countdownSeconds", "retryLimit");

    static TaskDraft draft(JsonObject o) {
        for (String k : o.keySet()) {
            if (!TASK_FIELDS.contains(k)) {
                throw JsonInput.invalid(k, "unknown field " + k + "; allowed: " + String.join(", ", TASK_FIELDS));
            }
        }
        Long eta = JsonInput.timestamp(o, "eta");
        Long etaUsec = JsonInput.integer(o, "etaUsec");
        if (eta != null && etaUsec != null) {
            throw JsonInput.invalid("etaUsec", "give eta or etaUsec, not both");
        }
        Long retryLimit = JsonInput.integer(o, "retryLimit");
        if (retryLimit != null && (retryLimit < 0 || retryLimit > Integer.MAX_VALUE)) {
            throw JsonInput.invalid("retryLimit", "retryLimit must be between 0 and " + Integer.MAX_VALUE);
        }
        return new TaskDraft(
                JsonInput.string(o, "name"),
                JsonInput.base64(o, "payload"),
                JsonInput.tag(o),
                eta != null ? eta : etaUsec,
                JsonInput.number(o, "countdownSeconds"),
                retryLimit == null ? null : retryLimit.intValue());
    }

    /** The {@code tasks} array of a batch add, each element parsed; errors name {@code tasks[i].field}. */
    static List<TaskDraft> drafts(JsonObject body) {
        JsonArray a = JsonInput.array(body, "tasks");
        List<TaskDraft> drafts = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            JsonValue v = a.get(i);
            if (v.getValueType() != JsonValue.ValueType.OBJECT) {
                throw JsonInput.invalid("tasks[" + i + "]", "tasks[" + i + "] must be an object");
            }
            try {
                drafts.add(draft(v.asJsonObject()));
            } catch (QueueException e) {
                throw e.withFieldPrefix("tasks[" + i + "]");
            }
        }
        return drafts;
    }

    static List<String> names(JsonObject body) {
        JsonArray a = JsonInput.array(body, "names");
        List<String> names = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).getValueType() != JsonValue.ValueType.STRING) {
                throw JsonInput.invalid("names[" + i + "]", "names[" + i + "] must be a string");
            }
            names.add(a.getString(i));
        }
        return names;
    }
}
