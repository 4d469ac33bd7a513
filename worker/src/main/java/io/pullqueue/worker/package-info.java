/**
 * pullqueue's worker library: {@link io.pullqueue.worker.PullQueueClient}, a client of the native API with retries,
 * and {@link io.pullqueue.worker.Worker}, the lease-handle-delete loop with lease renewal, backoff, bounded and
 * adaptive concurrency and graceful shutdown. Depends on the JDK's HttpClient and Jakarta JSON Processing only.
 */
package io.pullqueue.worker;
