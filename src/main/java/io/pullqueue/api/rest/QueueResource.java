package io.pullqueue.api.rest;

import io.pullqueue.api.http.JsonInput;
import io.pullqueue.api.http.Jsons;
import io.pullqueue.core.AddResult;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.Task;
import io.pullqueue.core.TaskListing;
import io.pullqueue.core.TaskQuery;
import io.pullqueue.service.LongPollLeaser;
import io.pullqueue.service.QueueService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Queues and their tasks: {@code /api/v1/queues/...}. See docs/api.md and /openapi. One instance serves every
 * request (it keeps no per-request state): a request-scoped one was built, injected and given its own EJB reference
 * on every call, a fifth of a lease call's CPU (docs/performance.md).
 */
@Path("v1/queues")
@Produces(MediaType.APPLICATION_JSON)
@ApplicationScoped
public class QueueResource {

    @Inject
    QueueService service;

    @Inject
    LongPollLeaser leaser;

    @GET
    public JsonObject queues() {
        JsonArrayBuilder a = Jsons.BUILDERS.createArrayBuilder();
        for (QueueSpec spec : service.queues()) {
            a.add(JsonOutput.queue(spec, service.stats(spec.name())));
        }
        return Jsons.BUILDERS.createObjectBuilder().add("queues", a).build();
    }

    @GET
    @Path("{queue}")
    public JsonObject queue(@PathParam("queue") String queue) {
        return JsonOutput.queue(service.queue(queue), service.stats(queue));
    }

    @POST
    @Path("{queue}:pause")
    public JsonObject pause(@PathParam("queue") String queue) {
        service.setPaused(queue, true);
        return queue(queue);
    }

    @POST
    @Path("{queue}:resume")
    public JsonObject resume(@PathParam("queue") String queue) {
        service.setPaused(queue, false);
        return queue(queue);
    }

    @POST
    @Path("{queue}:purge")
    public JsonObject purge(@PathParam("queue") String queue) {
        return Jsons.BUILDERS
                .createObjectBuilder()
                .add("purged", service.purge(queue))
                .build();
    }

    @POST
    @Path("{queue}/tasks")
    public Response add(@PathParam("queue") String queue, InputStream body) {
        AddResult r = service.add(queue, List.of(TaskInput.draft(JsonInput.object(body))))
                .get(0);
        if (!r.ok()) {
            throw r.failure();
        }
        return Response.status(201).entity(JsonOutput.addResult(queue, r)).build();
    }

    @POST
    @Path("{queue}/tasks:batchAdd")
    public JsonObject batchAdd(@PathParam("queue") String queue, InputStream body) {
        List<AddResult> results = service.add(queue, TaskInput.drafts(JsonInput.object(body)));
        JsonArrayBuilder a = Jsons.BUILDERS.createArrayBuilder();
        for (int i = 0; i < results.size(); i++) {
            AddResult r = results.get(i);
            if (r.error() != null) {
                throw r.error().withFieldPrefix("tasks[" + i + "]");
            }
            a.add(JsonOutput.addResult(queue, r));
        }
        return Jsons.BUILDERS.createObjectBuilder().add("results", a).build();
    }

    /**
     * A lease that may wait (long poll): the request is suspended, so a waiting call holds no thread. With
     * {@code deleteNames}, those tasks are deleted first (see {@link LeaseCall}), then the lease waits. The answer is
     * JSON, or the compact form ({@link LeasedBytes}) when the request's Accept prefers that.
     */
    @POST
    @Path("{queue}/tasks:lease")
    @Produces({MediaType.APPLICATION_JSON, LeasedBytes.TYPE})
    public void lease(
            @PathParam("queue") String queue,
            InputStream body,
            @HeaderParam(HttpHeaders.ACCEPT) List<String> accept,
            @Suspended AsyncResponse async) {
        LeaseCall call = LeaseCall.start(leaser, queue, JsonInput.object(body), accept);
        CompletableFuture<List<Task>> result = call.lease().toCompletableFuture();
        if (!result.isDone()) {
            // Only a lease that really waits gets a safety timeout: a timer armed for every call would keep each
            // answered response reachable until it fired.
            async.setTimeout(LongPollLeaser.MAX_WAIT.toSeconds() + 40, TimeUnit.SECONDS);
        }
        result.whenComplete(
                (tasks, err) -> async.resume(err != null ? call.failed(err) : call.answer(tasks, service.nowUsec())));
    }

    /**
     * A lease that does not ask to wait, answered on the request's thread ({@link LeaseRouting} sends such calls
     * here; the same answer as {@link #lease}, without suspending the request).
     */
    @LeaseRouting.Now
    @Path("{queue}/tasks:lease")
    @Produces({MediaType.APPLICATION_JSON, LeasedBytes.TYPE})
    public Response leaseNow(
            @PathParam("queue") String queue, InputStream body, @HeaderParam(HttpHeaders.ACCEPT) List<String> accept) {
        if (!(body instanceof LeaseRouting.Routed routed)) {
            throw new NotAllowedException("POST"); // the internal method, asked for by a client
        }
        LeaseCall call = LeaseCall.start(leaser, queue, routed.body, accept);
        List<Task> tasks;
        try {
            tasks = call.lease().toCompletableFuture().getNow(null); // a call that does not wait is done
        } catch (CompletionException e) {
            return call.failed(e);
        }
        return call.answer(tasks, service.nowUsec());
    }

    static Response json(byte[] body) {
        return Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build();
    }

    @GET
    @Path("{queue}/tasks")
    public Response list(@PathParam("queue") String queue, @BeanParam TaskListParams p) {
        TaskQuery.Order o = p.order();
        TaskListing page = service.search(queue, p.state(), p.tag(), o, p.cursor(o), p.pageSize());
        return json(JsonBytes.tasks(page.tasks(), service.nowUsec(), TaskListParams.token(o, page.next())));
    }

    /** Makes the named tasks due now: gives their leases back, runs delayed ones now (QueueOperations.runNow). */
    @POST
    @Path("{queue}/tasks:runNow")
    public Response runNow(@PathParam("queue") String queue, InputStream body) {
        return perName(body, names -> service.runNow(queue, names));
    }

    /** The queue's samples over the last {@code seconds} (default an hour, at most a day). */
    @GET
    @Path("{queue}/history")
    public JsonObject history(@PathParam("queue") String queue, @QueryParam("seconds") String seconds) {
        return JsonOutput.history(queue, service.history(queue, historySeconds(seconds)));
    }

    /** {@code seconds} of history as given (the range is the operations' rule), or an hour when absent. */
    private static long historySeconds(String s) {
        if (s == null || s.isEmpty()) {
            return 3600;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw JsonInput.invalid("seconds", "seconds must be an integer between 1 and 86400, got " + s);
        }
    }

    @GET
    @Path("{queue}/tasks/{name}")
    public Response get(@PathParam("queue") String queue, @PathParam("name") String name) {
        return json(JsonBytes.task(service.get(queue, name), service.nowUsec()));
    }

    @DELETE
    @Path("{queue}/tasks/{name}")
    public Response delete(@PathParam("queue") String queue, @PathParam("name") String name) {
        service.deleteOne(queue, name);
        return Response.noContent().build();
    }

    @POST
    @Path("{queue}/tasks:batchDelete")
    public Response batchDelete(@PathParam("queue") String queue, InputStream body) {
        return perName(body, names -> service.delete(queue, names));
    }

    /** A call on the tasks named in the body ({@code {"names": [...]}}), answered with one result per name. */
    private static Response perName(InputStream body, Function<List<String>, List<ErrorCode>> call) {
        List<String> names = TaskInput.names(JsonInput.object(body));
        return json(JsonBytes.deleteResults(names, call.apply(names)));
    }

    @POST
    @Path("{queue}/tasks/{name}:modifyLease")
    public JsonObject modifyLease(@PathParam("queue") String queue, @PathParam("name") String name, InputStream body) {
        JsonObject o = JsonInput.object(body);
        Long token = JsonInput.int64(o, "leaseToken");
        Double seconds = JsonInput.number(o, "leaseSeconds");
        if (token == null) {
            throw JsonInput.invalid("leaseToken", "leaseToken is required: the one the lease returned");
        }
        if (seconds == null) {
            throw JsonInput.invalid("leaseSeconds", "leaseSeconds is required (0 gives the lease back)");
        }
        long eta = service.modifyLease(queue, name, token, seconds);
        return Jsons.BUILDERS
                .createObjectBuilder()
                .add("name", name)
                .add("queue", queue)
                .add("eta", JsonOutput.rfc3339(eta))
                .add("etaUsec", eta)
                .add("leaseToken", Long.toString(eta))
                .build();
    }
}
