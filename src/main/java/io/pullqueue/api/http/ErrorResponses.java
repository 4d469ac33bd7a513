package io.pullqueue.api.http;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.service.Failures;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The skeleton of a JSON door's error responses, the same for the native and the v1beta2 door: how an App Engine
 * error code becomes an HTTP status, how any failure becomes a {@link QueueException} (nothing escapes as a stack
 * trace), what the JAX-RS runtime's own errors (unknown path, wrong method, ...) are called, and the
 * {@code {"error":{...}}} response with {@code Retry-After} on a 503. A door supplies only the inside of its
 * {@code error} object and its few texts of its own.
 */
public abstract class ErrorResponses {
    private final String notFound;

    /** @param notFound what this door says for a path it does not serve */
    protected ErrorResponses(String notFound) {
        this.notFound = notFound;
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

    /**
     * The inside of the door's {@code error} object.
     *
     * @param reason the App Engine error name (or our own, such as REQUEST_TOO_LARGE)
     * @param message never {@code null}
     * @param field the request field at fault, or {@code null}
     */
    protected abstract JsonObjectBuilder error(int status, String reason, String message, String field);

    /** The HTTP status of a domain error in this door; {@link #status(ErrorCode)} unless the door differs. */
    protected int statusOf(ErrorCode code) {
        return status(code);
    }

    /** What this door says for a body over its limit. */
    protected abstract String tooLarge(WebApplicationException w);

    /** True when a {@link WebApplicationException} that already carries a response body is sent as it is. */
    protected boolean sendsPreparedResponses() {
        return false;
    }

    /**
     * The response for a domain error. An error about named tasks (COMMIT_UNCERTAIN: the names a retry must use)
     * lists them as {@code error.names}.
     */
    public final Response response(QueueException e) {
        return response(statusOf(e.code()), e.code().name(), e.getMessage(), e.field(), e.taskNames(), null, null);
    }

    /**
     * The response for a domain error with one more member in the {@code error} object: what the call did before
     * it failed (e.g. {@code deleted}, the deletes a lease call committed before its lease failed).
     */
    public final Response response(QueueException e, String member, JsonValue value) {
        return response(statusOf(e.code()), e.code().name(), e.getMessage(), e.field(), e.taskNames(), member, value);
    }

    /** An error response; {@code message} defaults to {@code reason}. */
    public final Response response(int status, String reason, String message, String field) {
        return response(status, reason, message, field, List.of(), null, null);
    }

    private Response response(
            int status,
            String reason,
            String message,
            String field,
            List<String> names,
            String member,
            JsonValue value) {
        JsonObjectBuilder err = error(status, reason, message == null ? reason : message, field);
        if (!names.isEmpty()) {
            JsonArrayBuilder a = Jsons.BUILDERS.createArrayBuilder();
            names.forEach(a::add);
            err.add("names", a);
        }
        if (member != null) {
            err.add(member, value);
        }
        Response.ResponseBuilder r = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Jsons.BUILDERS
                        .createObjectBuilder()
                        .add("error", err)
                        .build()
                        .toString());
        if (status == 503) {
            r.header("Retry-After", Failures.RETRY_AFTER_SECONDS);
        }
        return r.build();
    }

    /** Any failure inside the door: domain errors, the runtime's own, and everything unexpected. */
    public final Response failure(Throwable t) {
        if (t instanceof WebApplicationException w) {
            return runtimeError(w);
        }
        return response(t instanceof QueueException e ? e : Failures.translate(t));
    }

    /** Errors the JAX-RS runtime raises itself: unknown path, wrong method, unsupported media type. */
    public final Response runtimeError(WebApplicationException w) {
        Response prepared = w.getResponse();
        if (sendsPreparedResponses() && prepared != null && prepared.hasEntity()) {
            return prepared;
        }
        int status = prepared == null ? 500 : prepared.getStatus();
        switch (status) {
            case 404:
                return response(404, "NOT_FOUND", notFound, null);
            case 405:
                return response(405, "METHOD_NOT_ALLOWED", "this resource does not support that HTTP method", null);
            case 406:
                return response(406, "NOT_ACCEPTABLE", "responses are application/json", null);
            case 413:
                return response(413, "REQUEST_TOO_LARGE", tooLarge(w), null);
            case 415:
                return response(415, "UNSUPPORTED_MEDIA_TYPE", "request bodies must be application/json", null);
            default:
                if (status >= 500) {
                    return response(Failures.translate(w));
                }
                // The runtime's own message names its classes and methods: never pass it on.
                return response(status, "INVALID_REQUEST", "the request is malformed (HTTP " + status + ")", null);
        }
    }
}
