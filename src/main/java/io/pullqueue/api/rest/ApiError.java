package io.pullqueue.api.rest;

import io.pullqueue.api.http.ErrorResponses;
import io.pullqueue.api.http.Jsons;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.WebApplicationException;

/**
 * The one error shape of the native API:
 * {@code {"error":{"code":<http>,"reason":"<APP_ENGINE_ERROR_NAME>","message":"...","field":"..."}}}.
 */
final class ApiError extends ErrorResponses {
    static final ApiError SHAPE = new ApiError();

    private ApiError() {
        super("no such resource; see /openapi for the API");
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
