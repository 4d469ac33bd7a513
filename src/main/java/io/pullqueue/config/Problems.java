package io.pullqueue.config;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** Collects the errors of one file, each as {@code file:line: queue "q": key "k": message}. */
final class Problems {
    private final String file;
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    String where(Node node, String queue, String key) {
        StringBuilder b = new StringBuilder(file);
        if (node != null) {
            b.append(':').append(node.getStartMark().getLine() + 1);
        }
        b.append(": ");
        if (queue != null) {
            b.append("queue \"").append(queue).append("\": ");
        }
        if (key != null) {
            b.append("key \"").append(key).append("\": ");
        }
        return b.toString();
    }

    void error(Node node, String queue, String key, String message) {
        errors.add(where(node, queue, key) + message);
    }

    void warn(Node node, String queue, String key, String message) {
        warnings.add(where(node, queue, key) + message);
    }

    boolean any() {
        return !errors.isEmpty();
    }

    List<String> errors() {
        return errors;
    }

    List<String> warnings() {
        return warnings;
    }
}
