package io.pullqueue.config;

import java.util.List;

/** queue.yaml was refused. Each error names the file, line, queue and key. */
public class QueueConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> errors;

    public QueueConfigException(List<String> errors) {
        super(String.join("; ", errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
