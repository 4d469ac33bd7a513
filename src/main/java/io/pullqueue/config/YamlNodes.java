package io.pullqueue.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Typed reads of composed YAML nodes; a wrong type becomes an error naming the queue and key. */
final class YamlNodes {
    private YamlNodes() {}

    /** The mapping's entries; keys that are not plain scalars, or repeat, are reported and skipped. */
    static List<NodeTuple> tuples(Problems p, MappingNode m, String queue) {
        Set<String> seen = new HashSet<>();
        return m.getValue().stream()
                .filter(t -> {
                    if (!(t.getKeyNode() instanceof ScalarNode)) {
                        p.error(t.getKeyNode(), queue, null, "keys must be plain names");
                        return false;
                    }
                    if (!seen.add(key(t))) {
                        p.error(t.getKeyNode(), queue, key(t), "the key appears more than once");
                        return false;
                    }
                    return true;
                })
                .toList();
    }

    static String key(NodeTuple t) {
        return ((ScalarNode) t.getKeyNode()).getValue();
    }

    static String scalar(Problems p, Node v, String queue, String key) {
        if (v instanceof ScalarNode s) {
            return s.getValue();
        }
        p.error(v, queue, key, "must be a single value, not a list or mapping");
        return null;
    }

    /** A whole number between min and max, or null (reported) when it is not one. */
    static Long integer(Problems p, Node v, String queue, String key, long min, long max) {
        String s = scalar(p, v, queue, key);
        if (s == null) {
            return null;
        }
        try {
            long n = Long.parseLong(s.trim());
            if (n < min || n > max) {
                p.error(v, queue, key, "must be between " + min + " and " + max + ", got " + n);
                return null;
            }
            return n;
        } catch (NumberFormatException e) {
            p.error(v, queue, key, "must be a whole number, got \"" + s + "\"");
            return null;
        }
    }

    /** A number of at least min, or null (reported). */
    static Double number(Problems p, Node v, String queue, String key, double min) {
        String s = scalar(p, v, queue, key);
        if (s == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(s.trim());
            if (!(d >= min) || Double.isInfinite(d)) {
                p.error(v, queue, key, "must be a number of at least " + min + ", got " + s);
                return null;
            }
            return d;
        } catch (NumberFormatException e) {
            p.error(v, queue, key, "must be a number, got \"" + s + "\"");
            return null;
        }
    }
}
