/**
 * queue.yaml in App Engine's format: parsed with SnakeYAML's safe composer (no object construction), validated
 * against App Engine's rules for pull and push queues, and re-read when it changes. Errors name the file, the line,
 * the queue and the key.
 *
 * <p>Allowed imports: {@code core}, SnakeYAML, {@code java.*}.
 */
package io.pullqueue.config;
