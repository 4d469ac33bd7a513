package io.pullqueue.api.rest;

import io.pullqueue.api.http.Jsons;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/v1/ping}: answers without touching the queues or the database. Load balancers can use it, and
 * the benchmark uses it to measure what the HTTP stack alone allows.
 */
@Path("v1/ping")
public class PingResource {
    private static final JsonObject OK =
            Jsons.BUILDERS.createObjectBuilder().add("status", "ok").build();

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject ping() {
        return OK;
    }
}
