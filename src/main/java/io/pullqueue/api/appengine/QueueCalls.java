package io.pullqueue.api.appengine;

import com.google.protobuf.ByteString;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAcl;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueueStatsRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueueStatsResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueuesRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueuesResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueMode;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueuePauseQueueRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueuePauseQueueResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueuePurgeQueueRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueuePurgeQueueResponse;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueRetryParameters;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueScannerQueueInfo;
import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueCounts;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.QueueMode;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.QueueStats;
import io.pullqueue.service.QueueService;
import java.util.Comparator;
import java.util.List;

/**
 * Queue-level methods: {@code FetchQueueStats}, {@code PurgeQueue}, and for tools {@code PauseQueue} and
 * {@code FetchQueues}.
 */
record QueueCalls(QueueService service, String appId) {
    /** The window of {@code executed_last_hour}, reported as the sampling duration. */
    private static final double SAMPLING_SECONDS = 3600;

    /**
     * One entry per requested queue, in request order, each with {@code scanner_info} fully set (the Java SDK
     * refuses statistics without it). "Executed" means leased; {@code requests_in_flight} is the number of tasks
     * under an unexpired lease; a pull queue has no enforced rate (0).
     */
    TaskQueueFetchQueueStatsResponse stats(TaskQueueFetchQueueStatsRequest r) {
        Wire.checkAppId(r.getAppId(), appId);
        TaskQueueFetchQueueStatsResponse.Builder response = TaskQueueFetchQueueStatsResponse.newBuilder();
        for (ByteString name : r.getQueueNameList()) {
            QueueStats s = service.stats(Wire.queue(name));
            QueueCounts c = s.counts();
            response.addQueueStatsBuilder()
                    .setNumTasks(clamp(c.tasks()))
                    .setOldestEtaUsec(c.oldestEtaUsec() == null ? -1 : c.oldestEtaUsec())
                    .setScannerInfo(TaskQueueScannerQueueInfo.newBuilder()
                            .setExecutedLastMinute(s.leasedLastMinute())
                            .setExecutedLastHour(s.leasedLastHour())
                            .setSamplingDurationSeconds(SAMPLING_SECONDS)
                            .setRequestsInFlight(clamp(c.leased()))
                            .setEnforcedRate(0));
        }
        return response.build();
    }

    TaskQueuePurgeQueueResponse purge(TaskQueuePurgeQueueRequest r) {
        Wire.checkAppId(r.getAppId(), appId);
        service.purge(Wire.queue(r.getQueueName()));
        return TaskQueuePurgeQueueResponse.getDefaultInstance();
    }

    TaskQueuePauseQueueResponse pause(TaskQueuePauseQueueRequest r) {
        Wire.checkAppId(r.getAppId(), appId);
        service.setPaused(Wire.queue(r.getQueueName()), r.getPause());
        return TaskQueuePauseQueueResponse.getDefaultInstance();
    }

    /**
     * The declared queues in name order, at most {@code max_rows}, as queue.yaml declares them: a push queue with its
     * rate (per second and as written), bucket size and concurrency limit (pullqueue does not run push tasks, but
     * tools read these); a pull queue has no rate or bucket (0).
     */
    TaskQueueFetchQueuesResponse queues(TaskQueueFetchQueuesRequest r) {
        Wire.checkAppId(r.getAppId(), appId);
        if (r.getMaxRows() < 0) {
            throw new QueueException(
                    ErrorCode.INVALID_REQUEST, "max_rows", "max_rows must be 0 or more, got " + r.getMaxRows());
        }
        List<QueueSpec> specs = service.queues().stream()
                .sorted(Comparator.comparing(QueueSpec::name))
                .limit(r.getMaxRows())
                .toList();
        TaskQueueFetchQueuesResponse.Builder response = TaskQueueFetchQueuesResponse.newBuilder();
        for (QueueSpec spec : specs) {
            boolean pull = spec.mode() == QueueMode.PULL;
            QueueSpec.PushRate rate = spec.pushRate();
            TaskQueueFetchQueuesResponse.Queue.Builder q = response.addQueueBuilder()
                    .setQueueName(Wire.bytes(spec.name()))
                    .setBucketRefillPerSecond(rate == null ? 0 : rate.perSecond())
                    .setBucketCapacity(rate == null ? 0 : rate.bucketSize())
                    .setPaused(pull && service.stats(spec.name()).paused())
                    .setMode(pull ? TaskQueueMode.Mode.PULL : TaskQueueMode.Mode.PUSH);
            if (rate != null) {
                q.setUserSpecifiedRate(rate.rate());
                if (rate.maxConcurrentRequests() != null) {
                    q.setMaxConcurrentRequests(rate.maxConcurrentRequests());
                }
            }
            if (spec.retryLimit() != null) {
                q.setRetryParameters(TaskQueueRetryParameters.newBuilder().setRetryLimit(spec.retryLimit()));
            }
            if (!spec.acl().isEmpty()) {
                TaskQueueAcl.Builder acl = q.getAclBuilder();
                spec.acl().userEmails().forEach(e -> acl.addUserEmail(Wire.bytes(e)));
                spec.acl().writerEmails().forEach(e -> acl.addWriterEmail(Wire.bytes(e)));
            }
        }
        return response.build();
    }

    private static int clamp(long n) {
        return (int) Math.min(n, Integer.MAX_VALUE);
    }
}
