/**
 * App Engine's API protocol: the {@code taskqueue} service of the App Engine SDKs, spoken by the Java SDK through
 * the Remote API ({@code /remote_api}) and by the Python and Go runtimes ({@code /rpc_http}). A thin door: it
 * parses the protobuf envelope and the service's messages (generated at build time from {@code src/main/proto}
 * into {@code io.pullqueue.api.appengine.pb}), calls {@link io.pullqueue.service.QueueService}, and reports
 * {@link io.pullqueue.core.QueueException}s as application errors that each client turns into its own exception.
 * See docs/compat.md.
 *
 * <p>Allowed imports: {@code service}, {@code core}, {@code api.http} (the body limit, the edge's error shape SPI),
 * {@code api.security} (the caller's identity), protobuf, Jakarta Servlet, Jakarta Annotations, CDI, MicroProfile
 * Config.
 */
package io.pullqueue.api.appengine;
