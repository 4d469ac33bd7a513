package io.pullqueue.api.rest;

import io.pullqueue.api.http.ErrorResponses;
import io.pullqueue.api.http.Jsons;
import io.pullqueue.core.QueueException;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * The one error shape of the native API:
 * {@code {"error":{"code":<http>,"reason":"<APP_ENGINE_ERROR_NAME>","message":"...","field":"..."}}}.
 */
final class ApiError extends ErrorResponses {
    static final ApiError SHAPE = new ApiError();

    private ApiError() {
        super("no such resource; see /openapi for the API");
    }

    static Response of(QueueException e) {
        return SHAPE.response(e);
    }

    static Response of(int status, String reason, String message, String field) {
        return SHAPE.response(status, reason, message, field);
    }

    @Override
    protected JsonObjectBuilder error(int status, String reason, String message, String field) {
        JsonObjectBuilder err = Jsons.BUILDERS
                .createObjectBuilder()
                .add("code", status)
                .add("reason", reason)
                .add("message", message);
        if (field != null) {
            err.add("field", field);
        }
        return err;
    }

    @Override
    protected String tooLarge(WebApplicationException w) {
        return w.getMessage();
    }
}
