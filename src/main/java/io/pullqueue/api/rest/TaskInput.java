package io.pullqueue.api.rest;

import io.pullqueue.api.http.JsonInput;
import io.pullqueue.core.Limits;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.TaskDraft;
import io.pullqueue.core.Validation;
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
        return strings(JsonInput.array(body, "names"), "names");
    }

    /**
     * A lease call's {@code deleteNames}: {@code null} when absent, else at most {@link Limits#MAX_NAMES_PER_DELETE}
     * valid task names. Unlike a batch delete, which answers INVALID_TASK_NAME per name, a bad name here refuses the
     * whole call (400) before anything is deleted or leased: the names come from a lease, so a bad one is a bug.
     */
    static List<String> deleteNames(JsonObject body) {
        JsonValue v = body.get("deleteNames");
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        JsonArray a = JsonInput.array(body, "deleteNames");
        if (a.size() > Limits.MAX_NAMES_PER_DELETE) {
            throw JsonInput.invalid(
                    "deleteNames", "at most " + Limits.MAX_NAMES_PER_DELETE + " names in deleteNames, got " + a.size());
        }
        List<String> names = strings(a, "deleteNames");
        for (int i = 0; i < names.size(); i++) {
            if (!Validation.isValidTaskName(names.get(i))) {
                throw JsonInput.invalid(
                        "deleteNames[" + i + "]",
                        "deleteNames[" + i + "] is not a task name: task names match [a-zA-Z0-9_-]{1,500}");
            }
        }
        return names;
    }

    private static List<String> strings(JsonArray a, String field) {
        List<String> names = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).getValueType() != JsonValue.ValueType.STRING) {
                throw JsonInput.invalid(field + "[" + i + "]", field + "[" + i + "] must be a string");
            }
            names.add(a.getString(i));
        }
        return names;
    }
}
