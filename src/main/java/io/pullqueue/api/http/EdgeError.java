package io.pullqueue.api.http;

/**
 * An error found at the edge, before or outside a door: the HTTP status, the App Engine style reason (such as
 * {@code INVALID_REQUEST}), a message for people, and the request part at fault (a parameter or header), if any.
 */
public record EdgeError(int status, String reason, String message, String field) {}
