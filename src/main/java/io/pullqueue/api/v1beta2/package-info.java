/**
 * Google's Task Queue REST API v1beta2 under {@code /taskqueue/v1beta2/projects/{project}/taskqueues/...}, as
 * the generated client {@code google-api-services-taskqueue} speaks it: gzip request bodies,
 * {@code X-HTTP-Method-Override}, 64-bit numbers as JSON strings, timestamps in microseconds, Google's JSON
 * error envelope. A thin door: it parses the wire format, calls {@link io.pullqueue.service.QueueService}, and
 * maps {@link io.pullqueue.core.QueueException} to HTTP. See docs/compat.md.
 *
 * <p>Allowed imports: {@code service}, {@code core}, {@code api.http}, Jakarta REST, JSON-P, MicroProfile Config,
 * CDI and Jakarta Servlet (for {@code GoogleErrorShape}, the edge's error shape of this door).
 */
package io.pullqueue.api.v1beta2;
