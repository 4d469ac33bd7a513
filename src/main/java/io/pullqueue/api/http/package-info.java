/**
 * HTTP plumbing shared by the JSON doors (native REST and v1beta2) and the App Engine protocol door: request bodies
 * bounded before they are read ({@link io.pullqueue.api.http.BodyLimits}), JSON input that names the field at
 * fault, the shared JSON-P factories, and the skeleton of the error responses. No door's resources live here.
 *
 * <p>Allowed imports: {@code service}, {@code core}, Jakarta REST, JSON-P, MicroProfile Config.
 */
package io.pullqueue.api.http;
