package io.pullqueue.api.rest;

import io.pullqueue.api.http.Jsons;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.service.QueueMetrics;
import io.pullqueue.service.QueueService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/v1/queues/{queue}/backlog}: the figures autoscalers scale workers by (KEDA's Metrics API scaler
 * reads {@code due}), from the snapshot the maintenance timer refreshes, so a poll never queries the database.
 */
@Path("v1/queues/{queue}/backlog")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class BacklogResource {

    @Inject
    QueueService service;

    @Inject
    QueueMetrics metrics;

    @GET
    public JsonObject backlog(@PathParam("queue") String queue) {
        service.queue(queue);
        QueueMetrics.Backlog b = metrics.backlog(queue);
        if (b == null) {
            b = new QueueMetrics.Backlog(service.stats(queue), service.nowUsec());
        }
        QueueCounts c = b.stats().counts();
        return Jsons.BUILDERS
                .createObjectBuilder()
                .add("queue", queue)
                .add("due", c.due())
                .add("inFlight", c.leased())
                .add("tasks", c.tasks())
                .add("oldestDueAgeSeconds", b.oldestDueAgeSeconds())
                .add("asOf", JsonOutput.rfc3339(b.readUsec()))
                .add("asOfUsec", b.readUsec())
                .build();
    }
}
