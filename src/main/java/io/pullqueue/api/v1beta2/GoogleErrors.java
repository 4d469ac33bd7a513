package io.pullqueue.api.v1beta2;

import io.pullqueue.api.http.ErrorResponses;
import io.pullqueue.api.http.Jsons;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Google's JSON error envelope, which the generated client turns into a {@code GoogleJsonResponseException}:
 * {@code {"error":{"code":404,"message":"...","errors":[{"domain":"global","reason":"notFound","message":"...",
 * "location":"task","locationType":"parameter"}],"appEngineError":"UNKNOWN_TASK"}}}. HTTP statuses are those
 * of the native API, except that a deleted (tombstoned) task is "not found" here.
 */
final class GoogleErrors extends ErrorResponses {
    static final GoogleErrors SHAPE = new GoogleErrors();

    private GoogleErrors() {
        super("no such resource; the API is under /taskqueue/v1beta2/projects/{project}/taskqueues/{taskqueue}");
    }

    /**
     * An exception carrying an error response, for failures that have no App Engine error code.
     *
     * @param appEngineError the App Engine error name (or our own, such as UNKNOWN_PROJECT)
     * @param field the parameter or body field at fault, or {@code null}
     */
    static WebApplicationException web(int status, String appEngineError, String message, String field) {
        return new WebApplicationException(message, SHAPE.response(status, appEngineError, message, field));
    }

    static QueueException invalid(String field, String message) {
        return new QueueException(ErrorCode.INVALID_REQUEST, field, message);
    }

    @Override
    protected JsonObjectBuilder error(int status, String appEngineError, String message, String field) {
        JsonObjectBuilder item = Jsons.BUILDERS
                .createObjectBuilder()
                .add("domain", "global")
                .add("reason", reason(status))
                .add("message", message);
        if (field != null) {
            item.add("location", field).add("locationType", "parameter");
        }
        return Jsons.BUILDERS
                .createObjectBuilder()
                .add("code", status)
                .add("message", message)
                .add("errors", Jsons.BUILDERS.createArrayBuilder().add(item))
                .add("appEngineError", appEngineError);
    }

    @Override
    protected int statusOf(ErrorCode code) {
        return code == ErrorCode.TOMBSTONED_TASK ? 404 : status(code);
    }

    @Override
    protected String tooLarge(WebApplicationException w) {
        return WireFilter.tooLarge();
    }

    @Override
    protected boolean sendsPreparedResponses() {
        return true;
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
            return SHAPE.failure(t);
        }
    }

    /** Errors the JAX-RS runtime raises itself (unknown path, wrong method), and our own prepared ones. */
    public static final class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException w) {
            return SHAPE.runtimeError(w);
        }
    }
}
