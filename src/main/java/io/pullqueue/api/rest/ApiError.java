package io.pullqueue.api.rest;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.service.Failures;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The one error shape of the native API:
 * {@code {"error":{"code":<http>,"reason":"<APP_ENGINE_ERROR_NAME>","message":"...","field":"..."}}}.
 * {@link #status(ErrorCode)} is shared with the v1beta2 door, so every HTTP door maps an error code the same way.
 */
public final class ApiError {
    private ApiError() {
    }

    static Response of(QueueException e) {
        return of(status(e.code()), e.code().name(), e.getMessage(), e.field(), e.taskNames());
    }

    static Response of(int status, String reason, String message, String field) {
        return of(status, reason, message, field, List.of());
    }

    /** With {@code names}: the task names the error is about (a COMMIT_UNCERTAIN add: the names to retry with). */
    static Response of(int status, String reason, String message, String field, List<String> names) {
        JsonObjectBuilder err = Jsons.BUILDERS.createObjectBuilder()
                .add("code", status)
                .add("reason", reason)
                .add("message", message == null ? reason : message);
        if (field != null) {
            err.add("field", field);
        }
        if (!names.isEmpty()) {
            JsonArrayBuilder a = Jsons.BUILDERS.createArrayBuilder();
            names.forEach(a::add);
            err.add("names", a);
        }
        Response.ResponseBuilder r = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Jsons.BUILDERS.createObjectBuilder().add("error", err).build().toString());
        if (status == 503) {
            r.header("Retry-After", Failures.RETRY_AFTER_SECONDS);
        }
        return r.build();
    }

    /** The HTTP status for an App Engine error code. */
    public static int status(ErrorCode code) {
        switch (code) {
            case UNKNOWN_QUEUE:
            case UNKNOWN_TASK:
            case TOMBSTONED_QUEUE:
                return 404;
            case TASK_ALREADY_EXISTS:
            case TOMBSTONED_TASK:
            case TASK_LEASE_EXPIRED:
            case QUEUE_PAUSED:
            case INVALID_QUEUE_MODE:
                return 409;
            case TASK_TOO_LARGE:
            case TRANSACTIONAL_REQUEST_TOO_LARGE:
                return 413;
            case PERMISSION_DENIED:
                return 403;
            case TRANSIENT_ERROR:
            case COMMIT_UNCERTAIN:
                return 503;
            case STORAGE_FULL:
                return 507;
            case INTERNAL_ERROR:
                return 500;
            default:
                return 400;
        }
    }
}
