/**
 * The HTTP edge in front of every door: what happens to a request before a door sees it and when no door can
 * answer it. {@link io.pullqueue.api.edge.BodyGate} bounds the request bodies in flight across all doors by bytes
 * (the memory budget), reads each body without holding a server thread while a slow client sends it, and refuses a
 * malformed query string or Content-Type; {@link io.pullqueue.api.edge.ErrorPage} answers the web container's own
 * errors (unknown path, undecodable URI, an exception no door mapped) in the shape of the door the path belongs to;
 * {@link io.pullqueue.api.edge.StrictJson} reads a JSON request body strictly. Each door says how its errors look by
 * providing an {@link io.pullqueue.api.edge.ErrorShape} bean; the edge knows no door.
 *
 * <p>Allowed imports: {@code core} ({@code QueueException}, {@code ErrorCode}), Jakarta Servlet, CDI, JSON-P,
 * MicroProfile Config.
 */
package io.pullqueue.api.edge;
