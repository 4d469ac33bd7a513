package io.pullqueue.core;

/** Whether a queue delivers its tasks (push) or workers lease them (pull). */
public enum QueueMode {
    PUSH,
    PULL
}
