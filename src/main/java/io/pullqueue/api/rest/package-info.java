/**
 * The native REST API under {@code /api/v1}: resource-oriented JSON, payloads as base64, times as RFC 3339 strings
 * and as microseconds, one error shape. A thin door: it parses JSON, calls
 * {@link io.pullqueue.service.QueueService}, and maps {@link io.pullqueue.core.QueueException} to HTTP.
 *
 * <p>Allowed imports: {@code service}, {@code core}, {@code api.http}, Jakarta REST, JSON-P, MicroProfile OpenAPI
 * annotations, CDI, Jakarta Servlet (for {@code NativeErrorShape}, the edge's error shape of this door, and for
 * {@code QueueResource.leaseNow}), and {@code jakarta.annotation.Priority} (the order of the door's JAX-RS filters).
 */
package io.pullqueue.api.rest;
