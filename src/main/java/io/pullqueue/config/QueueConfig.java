package io.pullqueue.config;

import io.pullqueue.core.QueueSpec;
import java.util.List;

/**
 * A valid queue.yaml.
 *
 * @param queues every declared queue, the implicit {@code default} push queue included
 * @param totalStorageLimitBytes {@code total_storage_limit} in bytes, or {@code null} when absent (not enforced)
 * @param warnings things that are valid but probably not meant (e.g. task_retry_limit: 0 on a pull queue)
 */
public record QueueConfig(List<QueueSpec> queues, Long totalStorageLimitBytes, List<String> warnings) {}
