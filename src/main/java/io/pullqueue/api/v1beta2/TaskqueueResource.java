package io.pullqueue.api.v1beta2;

import io.pullqueue.api.http.JsonInput;
import io.pullqueue.api.http.TagQuery;
import io.pullqueue.core.AddResult;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Limits;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.QueueMode;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.TagFilter;
import io.pullqueue.service.QueueService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The eight methods of v1beta2 under {@code /taskqueue/v1beta2/projects/{project}/taskqueues/{taskqueue}}:
 * taskqueues.get and tasks.insert, lease, get, list, delete, patch and update. See docs/compat.md.
 */
@Path("v1beta2/projects/{project}/taskqueues/{taskqueue}")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class TaskqueueResource {

    @Inject
    QueueService service;

    @Inject
    @ConfigProperty(name = "pullqueue.app.id")
    String appId;

    @GET
    public JsonObject taskqueue(
            @PathParam("project") String project,
            @PathParam("taskqueue") String queue,
            @QueryParam("getStats") String getStats) {
        QueueSpec spec = renaming(PATH_NAMES, () -> service.queue(queue(project, queue)));
        if (spec.mode() != QueueMode.PULL) {
            throw new QueueException(
                    ErrorCode.INVALID_QUEUE_MODE,
                    "taskqueue",
                    "queue " + queue + " is a push queue; the REST API serves pull queues only");
        }
        return TaskJson.queue(spec, Params.bool(getStats, "getStats") ? service.stats(queue) : null);
    }

    @POST
    @Path("tasks")
    public JsonObject insert(
            @PathParam("project") String project, @PathParam("taskqueue") String queue, InputStream body) {
        String q = queue(project, queue);
        JsonObject o = TaskJson.body(JsonInput.object(body), q, null);
        AddResult r = renaming(BODY_NAMES, () -> {
            AddResult one = service.add(q, List.of(TaskJson.draft(o))).get(0);
            if (one.error() != null) {
                throw one.error();
            }
            return one;
        });
        if (!r.ok()) {
            throw GoogleErrors.web(409, r.code().name(), r.failure().getMessage(), "id");
        }
        return TaskJson.task(service.added(q, r.name()));
    }

    @POST
    @Path("tasks/lease")
    public JsonObject lease(
            @PathParam("project") String project,
            @PathParam("taskqueue") String queue,
            @QueryParam("numTasks") String numTasks,
            @QueryParam("leaseSecs") String leaseSecs,
            @QueryParam("groupByTag") String groupByTag,
            @BeanParam TagQuery tag) {
        String q = queue(project, queue);
        int max = Params.requiredInt(numTasks, "numTasks", 1, Limits.MAX_TASKS_PER_LEASE);
        int seconds = Params.requiredInt(leaseSecs, "leaseSecs", 0, Limits.MAX_LEASE_SECONDS);
        TagFilter filter = TagFilter.of(Params.bool(groupByTag, "groupByTag"), tag.tag());
        return TaskJson.tasks(TaskJson.LEASED_KIND, renaming(PATH_NAMES, () -> service.lease(q, max, seconds, filter)));
    }

    @GET
    @Path("tasks")
    public JsonObject list(@PathParam("project") String project, @PathParam("taskqueue") String queue) {
        String q = queue(project, queue);
        return TaskJson.tasks(
                TaskJson.LIST_KIND,
                renaming(PATH_NAMES, () -> service.list(q, null, Limits.MAX_LIST_PAGE_SIZE))
                        .tasks());
    }

    @GET
    @Path("tasks/{task}")
    public JsonObject get(@BeanParam TaskPath t) {
        return TaskJson.task(renaming(PATH_NAMES, () -> service.get(queue(t.project, t.queue), t.task)));
    }

    @DELETE
    @Path("tasks/{task}")
    public Response delete(@BeanParam TaskPath t) {
        renaming(PATH_NAMES, () -> {
            service.deleteOne(queue(t.project, t.queue), t.task);
            return null;
        });
        return Response.noContent().build();
    }

    /** tasks.patch: NetHttpTransport sends it as a POST with {@code X-HTTP-Method-Override: PATCH}. */
    @PATCH
    @Path("tasks/{task}")
    public JsonObject patch(@BeanParam TaskPath t, @QueryParam("newLeaseSeconds") String seconds, InputStream body) {
        return update(t, seconds, body);
    }

    /** tasks.update: extends the lease (or gives it back with 0); the body's leaseTimestamp is the lease token. */
    @POST
    @Path("tasks/{task}")
    public JsonObject update(@BeanParam TaskPath t, @QueryParam("newLeaseSeconds") String seconds, InputStream body) {
        String q = queue(t.project, t.queue);
        String task = t.task;
        int leaseSeconds = Params.requiredInt(seconds, "newLeaseSeconds", 0, Limits.MAX_LEASE_SECONDS);
        JsonObject o = TaskJson.body(JsonInput.object(body), q, task);
        Long token = JsonInput.int64(o, "leaseTimestamp");
        if (token == null) {
            throw GoogleErrors.invalid(
                    "leaseTimestamp",
                    "leaseTimestamp is required: send the task as the lease "
                            + "returned it; its leaseTimestamp is the lease token");
        }
        renaming(PATH_NAMES, () -> service.modifyLease(q, task, token, leaseSeconds));
        return TaskJson.task(service.get(q, task));
    }

    /** The queue name, once the project is known to be this server's app id. */
    private String queue(String project, String queue) {
        if (!Params.isProject(project, appId)) {
            throw GoogleErrors.web(
                    404,
                    "UNKNOWN_PROJECT",
                    "project " + project + " is not served here; this " + "server's app id is " + appId
                            + " (also accepted as s~" + appId + " or e~" + appId + ")",
                    "project");
        }
        return queue;
    }

    /** The service's field names as v1beta2 calls them: in a task body, and in the URL. */
    private static final Map<String, String> BODY_NAMES =
            Map.of("queue", "taskqueue", "name", "id", "payload", "payloadBase64", "eta", "leaseTimestamp");

    private static final Map<String, String> PATH_NAMES =
            Map.of("queue", "taskqueue", "name", "task", "leaseToken", "leaseTimestamp");

    /** Runs a service call; its error names the field as v1beta2 calls it. */
    private static <T> T renaming(Map<String, String> names, Supplier<T> call) {
        try {
            return call.get();
        } catch (QueueException e) {
            String f = e.field() == null ? null : names.get(e.field());
            throw f == null ? e : new QueueException(e.code(), f, e.getMessage());
        }
    }
}
