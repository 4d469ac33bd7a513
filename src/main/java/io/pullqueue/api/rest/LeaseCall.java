package io.pullqueue.api.rest;

import io.pullqueue.api.http.JsonInput;
import io.pullqueue.api.http.Jsons;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Limits;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.TagFilter;
import io.pullqueue.core.Task;
import io.pullqueue.service.Failures;
import io.pullqueue.service.LeaseRequest;
import io.pullqueue.service.LongPollLeaser;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * One {@code tasks:lease} call of the native door, on either of its paths ({@link QueueResource#lease} and
 * {@link QueueResource#leaseNow}). A call with {@code deleteNames} deletes those tasks first, exactly as a batch
 * delete would (after the whole request has been checked, so a bad one changes nothing), then leases (and waits, if
 * it asks to). The deletes are committed before the lease: when the lease then fails (a paused queue, a full
 * server), the error says so and carries their results as {@code error.deleted}.
 */
final class LeaseCall {
    private final LongPollLeaser leaser;
    private final LeaseRequest request;
    /** The names deleted before the lease, or {@code null} for a call without deleteNames. */
    private final List<String> deleteNames;

    private final List<ErrorCode> deleted;
    /** The answer in the compact form ({@link LeasedBytes}) rather than JSON: the caller's Accept prefers it. */
    private final boolean compact;

    private LeaseCall(
            LongPollLeaser leaser,
            LeaseRequest request,
            List<String> deleteNames,
            List<ErrorCode> deleted,
            boolean compact) {
        this.leaser = leaser;
        this.request = request;
        this.deleteNames = deleteNames;
        this.deleted = deleted;
        this.compact = compact;
    }

    /**
     * Reads the body and, for a call with deleteNames, does the deletes (an error here changed nothing). {@code
     * accept}: the request's Accept headers, which choose the answer's form.
     */
    static LeaseCall start(LongPollLeaser leaser, String queue, JsonObject body, List<String> accept) {
        LeaseRequest r = request(queue, body);
        List<String> names = TaskInput.deleteNames(body);
        return new LeaseCall(
                leaser,
                r,
                names,
                names == null ? null : leaser.deleteBeforeLease(r, names),
                LeasedBytes.wanted(accept));
    }

    /** The lease; a failure is the stage's, never thrown (so that {@link #failed} can tell of the deletes). */
    CompletionStage<List<Task>> lease() {
        try {
            return leaser.lease(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The answer: the leased tasks and, after deletes, their results; compact or JSON as the caller prefers. */
    Response answer(List<Task> tasks, long nowUsec) {
        if (compact) {
            return Response.ok(
                            LeasedBytes.leased(request.queue(), tasks, nowUsec, deleteNames, deleted),
                            LeasedBytes.MEDIA_TYPE)
                    .build();
        }
        return QueueResource.json(JsonBytes.leased(tasks, nowUsec, deleteNames, deleted));
    }

    /** The error answer of a lease that failed: after deletes, one that says they were done and how each went. */
    Response failed(Throwable t) {
        Throwable e = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (deleteNames == null) {
            return ApiError.SHAPE.failure(e);
        }
        QueueException q = e instanceof QueueException x ? x : Failures.translate(e);
        JsonArrayBuilder results = Jsons.BUILDERS.createArrayBuilder();
        for (int i = 0; i < deleteNames.size(); i++) {
            results.add(Jsons.BUILDERS
                    .createObjectBuilder()
                    .add("name", deleteNames.get(i))
                    .add("status", deleted.get(i).name()));
        }
        QueueException told = new QueueException(
                q.code(),
                q.field(),
                q.getMessage() + " (the call's deleteNames were deleted before the lease failed: see error.deleted;"
                        + " do not send them again)",
                q.taskNames());
        return ApiError.SHAPE.response(told, "deleted", results.build());
    }

    private static LeaseRequest request(String queue, JsonObject o) {
        Long max = JsonInput.integer(o, "maxTasks");
        Double seconds = JsonInput.number(o, "leaseSeconds");
        if (max == null) {
            throw JsonInput.invalid("maxTasks", "maxTasks is required (1.." + Limits.MAX_TASKS_PER_LEASE + ")");
        }
        if (seconds == null) {
            throw JsonInput.invalid("leaseSeconds", "leaseSeconds is required (0.." + Limits.MAX_LEASE_SECONDS + ")");
        }
        Double wait = JsonInput.number(o, "waitSeconds");
        // A tag field, even an empty one (the oldest task's tag), implies grouping by tag.
        boolean tagGiven = JsonInput.string(o, "tag") != null || JsonInput.string(o, "tagBase64") != null;
        TagFilter filter = TagFilter.of(JsonInput.bool(o, "groupByTag") || tagGiven, JsonInput.tag(o));
        return new LeaseRequest(
                queue, max, seconds, filter, Duration.ofMillis(Math.round((wait == null ? 0 : wait) * 1000)));
    }
}
