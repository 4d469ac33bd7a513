package io.pullqueue.api.v1beta2;

import io.pullqueue.api.rest.ApiError;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.service.Failures;
import io.pullqueue.api.rest.Jsons;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Google's JSON error envelope, which the generated client turns into a {@code GoogleJsonResponseException}:
 * {@code {"error":{"code":404,"message":"...","errors":[{"domain":"global","reason":"notFound","message":"...",
 * "location":"task","locationType":"parameter"}],"appEngineError":"UNKNOWN_TASK"}}}. HTTP statuses are those
 * of the native API, except that a deleted (tombstoned) task is "not found" here.
 */
final class GoogleErrors {
    private GoogleErrors() {
    }

    static Response of(QueueException e) {
        ErrorCode c = e.code();
        int status = c == ErrorCode.TOMBSTONED_TASK ? 404 : ApiError.status(c);
        return of(status, c.name(), e.getMessage(), e.field());
    }

    /**
     * An error response.
     *
     * @param appEngineError the App Engine error name (or our own, such as REQUEST_TOO_LARGE)
     * @param field the parameter or body field at fault, or {@code null}
     */
    static Response of(int status, String appEngineError, String message, String field) {
        String text = message == null ? appEngineError : message;
        JsonObjectBuilder item = Jsons.BUILDERS.createObjectBuilder()
                .add("domain", "global")
                .add("reason", reason(status))
                .add("message", text);
        if (field != null) {
            item.add("location", field).add("locationType", "parameter");
        }
        JsonObjectBuilder err = Jsons.BUILDERS.createObjectBuilder()
                .add("code", status)
                .add("message", text)
                .add("errors", Jsons.BUILDERS.createArrayBuilder().add(item))
                .add("appEngineError", appEngineError);
        Response.ResponseBuilder r = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Jsons.BUILDERS.createObjectBuilder().add("error", err).build().toString());
        if (status == 503) {
            r.header("Retry-After", Failures.RETRY_AFTER_SECONDS);
        }
        return r.build();
    }

    /** An exception carrying an error response, for failures that have no App Engine error code. */
    static WebApplicationException web(int status, String appEngineError, String message, String field) {
        return new WebApplicationException(message, of(status, appEngineError, message, field));
    }

    static QueueException invalid(String field, String message) {
        return new QueueException(ErrorCode.INVALID_REQUEST, field, message);
    }

    /** Google's generic reason for an HTTP status. */
    private static String reason(int status) {
        switch (status) {
            case 400:
                return "badRequest";
            case 403:
                return "forbidden";
            case 404:
                return "notFound";
            case 405:
                return "httpMethodNotAllowed";
            case 409:
                return "conflict";
            case 413:
                return "requestTooLarge";
            case 415:
                return "unsupportedMediaType";
            case 503:
            case 507:
                return "backendError";
            default:
                return status >= 500 ? "internalError" : "badRequest";
        }
    }

    /** Domain errors and everything unexpected. */
    public static final class Any implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable t) {
            if (t instanceof WebApplicationException w) {
                return web(w);
            }
            return of(t instanceof QueueException e ? e : Failures.translate(t));
        }
    }

    /** Errors the JAX-RS runtime raises itself (unknown path, wrong method), and our own prepared ones. */
    public static final class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException w) {
            return web(w);
        }
    }

    static Response web(WebApplicationException w) {
        Response prepared = w.getResponse();
        if (prepared != null && prepared.hasEntity()) {
            return prepared;
        }
        int status = prepared == null ? 500 : prepared.getStatus();
        switch (status) {
            case 404:
                return of(404, "NOT_FOUND", "no such resource; the API is under "
                        + "/taskqueue/v1beta2/projects/{project}/taskqueues/{taskqueue}", null);
            case 405:
                return of(405, "METHOD_NOT_ALLOWED", "this resource does not support that HTTP method", null);
            case 406:
                return of(406, "NOT_ACCEPTABLE", "responses are application/json", null);
            case 413:
                return of(413, "REQUEST_TOO_LARGE", WireFilter.tooLarge(), null);
            default:
                if (status >= 500) {
                    return of(Failures.translate(w));
                }
                return of(status, "INVALID_REQUEST", w.getMessage(), null);
        }
    }
}
