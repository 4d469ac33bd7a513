/**
 * The native REST API under {@code /api/v1}: resource-oriented JSON, payloads as base64, times as RFC 3339 strings
 * and as microseconds, one error shape. A thin door: it parses JSON, calls
 * {@link io.pullqueue.service.QueueService}, and maps {@link io.pullqueue.core.QueueException} to HTTP.
 *
 * <p>Allowed imports: {@code service}, {@code core}, Jakarta REST, JSON-P, MicroProfile OpenAPI annotations, {@code api.edge}
 * (strict JSON, the edge's error shape SPI), CDI, Jakarta Servlet (for {@code NativeErrorShape}).
 */
package io.pullqueue.api.rest;
