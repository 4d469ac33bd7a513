/**
 * The service layer: {@link io.pullqueue.service.QueueService}, the one bean that owns the engine (a
 * {@code @Singleton} whose class comment says why each of its annotations is there), long-poll leasing, the
 * non-persistent maintenance timer, the choice of store, health checks and metrics. Every door calls
 * {@code QueueService} only.
 *
 * <p>Allowed imports: {@code core}, {@code config}, {@code store} (only {@code StoreProducer}, to choose and
 * construct the store; elsewhere only {@code StoreException}, to recognise its failures), Jakarta EE and
 * MicroProfile APIs. {@code io.pullqueue.ArchitectureTest} checks this line and those of the other packages.
 */
package io.pullqueue.service;
