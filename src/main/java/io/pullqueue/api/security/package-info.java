/**
 * The HTTP edge's security, shared by every door: who is calling (the credential each unmodified client can
 * send), refusal of requests that another web site makes through a browser, and the browser security headers.
 * What a caller may do is decided in {@code core.AccessRules}, checked by {@code service.QueueService}.
 *
 * <p>Allowed imports: {@code service}, {@code core}, Jakarta Servlet, Jakarta Annotations, CDI, JSON-P, MicroProfile
 * Config.
 */
package io.pullqueue.api.security;
