/**
 * HTTP plumbing shared by the JSON doors (native REST and v1beta2) and the App Engine protocol door: request bodies
 * bounded before they are read ({@link io.pullqueue.api.http.BodyLimits}), JSON input that names the field at
 * fault, read strictly ({@link io.pullqueue.api.http.StrictJson}), the shared JSON-P factories, and the skeleton of
 * the error responses. No door's resources live here.
 *
 * <p>The edge in front of every door lives here too: {@link io.pullqueue.api.http.BodyGate} bounds the request
 * bodies in flight across all doors by bytes (the memory budget), reads each body without holding a server thread
 * while a slow client sends it, and refuses a malformed query string or Content-Type;
 * {@link io.pullqueue.api.http.ErrorPage} answers the web container's own errors (unknown path, an encoded slash or
 * dot, an exception no door mapped) in the shape of the door the path belongs to. Each door says how its errors look
 * by providing an {@link io.pullqueue.api.http.ErrorShape} bean; this package knows no door.
 *
 * <p>Allowed imports: {@code service}, {@code core}, Jakarta REST, Jakarta Servlet, CDI, JSON-P, MicroProfile
 * Config.
 */
package io.pullqueue.api.http;
