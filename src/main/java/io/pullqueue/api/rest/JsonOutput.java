package io.pullqueue.api.rest;

import io.pullqueue.api.http.Jsons;
import io.pullqueue.core.AddResult;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.QueueHistory;
import io.pullqueue.core.QueueSample;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.QueueStats;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;

/** The JSON-P shapes of the native API: queue and add result (tasks: {@link JsonBytes}). */
final class JsonOutput {
    private JsonOutput() {}

    /** µs since the epoch as an RFC 3339 timestamp (UTC, µs precision). */
    static String rfc3339(long usec) {
        return Instant.ofEpochSecond(Math.floorDiv(usec, 1_000_000L), Math.floorMod(usec, 1_000_000L) * 1000L)
                .toString();
    }

    static JsonObject addResult(String queue, AddResult r) {
        JsonObjectBuilder b =
                Jsons.BUILDERS.createObjectBuilder().add("status", r.code().name());
        if (r.name() != null) {
            b.add("name", r.name());
        }
        if (r.ok()) {
            b.add("etaUsec", r.etaUsec()).add("eta", rfc3339(r.etaUsec())).add("queue", queue);
        }
        if (r.error() != null) {
            b.add("message", r.error().getMessage());
            if (r.error().field() != null) {
                b.add("field", r.error().field());
            }
        }
        return b.build();
    }

    static JsonObject queue(QueueSpec spec, QueueStats stats) {
        JsonObjectBuilder b = Jsons.BUILDERS
                .createObjectBuilder()
                .add("name", spec.name())
                .add("mode", spec.mode().name().toLowerCase(java.util.Locale.ROOT));
        if (spec.retryLimit() != null) {
            b.add("retryLimit", spec.retryLimit());
        }
        b.add("leaseRequestsPerSecond", spec.leaseRequestsPerSecond());
        JsonArrayBuilder users = Jsons.BUILDERS.createArrayBuilder();
        spec.acl().userEmails().forEach(users::add);
        JsonArrayBuilder writers = Jsons.BUILDERS.createArrayBuilder();
        spec.acl().writerEmails().forEach(writers::add);
        b.add(
                "acl",
                Jsons.BUILDERS.createObjectBuilder().add("userEmails", users).add("writerEmails", writers));
        if (stats != null) {
            b.add("paused", stats.paused());
            QueueCounts c = stats.counts();
            JsonObjectBuilder s = Jsons.BUILDERS
                    .createObjectBuilder()
                    .add("tasks", c.tasks())
                    .add("due", c.due())
                    .add("inFlight", c.leased())
                    .add("leasedLastMinute", stats.leasedLastMinute())
                    .add("leasedLastHour", stats.leasedLastHour());
            if (c.oldestEtaUsec() != null) {
                s.add("oldestEta", rfc3339(c.oldestEtaUsec())).add("oldestEtaUsec", c.oldestEtaUsec());
            }
            b.add("stats", s);
        }
        return b.build();
    }

    /** A queue's history: per point the backlog, the oldest due task's age and the activity per second. */
    static JsonObject history(String queue, QueueHistory h) {
        double stepSeconds = h.stepUsec() / 1e6;
        JsonArrayBuilder points = Jsons.BUILDERS.createArrayBuilder();
        for (QueueSample p : h.points()) {
            points.add(Jsons.BUILDERS
                    .createObjectBuilder()
                    .add("at", rfc3339(p.atUsec()))
                    .add("atUsec", p.atUsec())
                    .add("tasks", p.tasks())
                    .add("due", p.due())
                    .add("inFlight", p.inFlight())
                    .add("oldestDueAgeSeconds", p.oldestDueAgeUsec() / 1e6)
                    .add("addedPerSecond", p.added() / stepSeconds)
                    .add("leasedPerSecond", p.leased() / stepSeconds)
                    .add("deletedPerSecond", p.deleted() / stepSeconds));
        }
        return Jsons.BUILDERS
                .createObjectBuilder()
                .add("queue", queue)
                .add("from", rfc3339(h.fromUsec()))
                .add("to", rfc3339(h.toUsec()))
                .add("stepSeconds", stepSeconds)
                .add("points", points)
                .build();
    }
}
