package io.pullqueue.api.rest;

import io.pullqueue.api.http.Jsons;
import io.pullqueue.core.ConfigStatus;
import io.pullqueue.service.QueueService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/v1/config}: which queue.yaml is in force and the last reload's outcome. The queues it declares,
 * with their retry limit, throttle and ACL, are in {@code GET /api/v1/queues}.
 */
@Path("v1/config")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ConfigResource {

    @Inject
    QueueService service;

    @GET
    public JsonObject config() {
        ConfigStatus s = service.configStatus();
        JsonObjectBuilder reload =
                Jsons.BUILDERS.createObjectBuilder().add("result", s.error() == null ? "applied" : "refused");
        if (s.appliedAt() != null) {
            reload.add("appliedAt", s.appliedAt().toString());
        }
        if (s.error() != null) {
            reload.add("error", s.error());
            reload.add("refusedAt", s.refusedAt().toString());
        }
        return Jsons.BUILDERS
                .createObjectBuilder()
                .add("path", service.configPath())
                .add("loaded", s.loaded())
                .add("reload", reload)
                .build();
    }
}
