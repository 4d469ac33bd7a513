/**
 * The service layer: the {@code @Singleton} lease manager with explicit {@code @Lock} semantics, the CDI facade
 * {@link io.pullqueue.service.QueueService} with MicroProfile Fault Tolerance around leasing, long-poll leasing, the
 * non-persistent maintenance timer, health checks and metrics. Every door calls {@code QueueService} only.
 *
 * <p>Allowed imports: {@code core}, {@code config}, {@code store} (only to choose and construct the store),
 * Jakarta EE and MicroProfile APIs.
 */
package io.pullqueue.service;
