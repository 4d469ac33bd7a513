package io.pullqueue.config;

import io.pullqueue.core.Acl;
import io.pullqueue.core.Limits;
import io.pullqueue.core.QueueMode;
import io.pullqueue.core.QueueSpec;
import io.pullqueue.core.Validation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** One entry of the {@code queue} list, validated by App Engine's rules for its mode. */
final class QueueEntryParser {
    private QueueEntryParser() {}

    private static final Set<String> PULL_KEYS =
            Set.of("name", "mode", "retry_parameters", "acl", "lease_requests_per_second");
    private static final Set<String> PUSH_KEYS =
            Set.of("name", "mode", "rate", "bucket_size", "max_concurrent_requests", "target", "retry_parameters");
    private static final Set<String> PUSH_RETRY_KEYS =
            Set.of("task_retry_limit", "task_age_limit", "min_backoff_seconds", "max_backoff_seconds", "max_doublings");
    private static final Pattern RATE = Pattern.compile("0|\\d+(\\.\\d+)?/[smhd]");
    private static final Pattern AGE = Pattern.compile("\\d+(\\.\\d+)?[smhd]");

    /** The spec, or null when the entry has errors (reported to {@code p}). */
    static QueueSpec parse(Problems p, Node entry) {
        if (!(entry instanceof MappingNode m)) {
            p.error(entry, null, null, "each queue entry must be a mapping with at least a name");
            return null;
        }
        Map<String, NodeTuple> keys = new LinkedHashMap<>();
        YamlNodes.tuples(p, m, null).forEach(t -> keys.put(YamlNodes.key(t), t));
        String name = name(p, entry, keys);
        QueueMode mode = mode(p, name, keys);
        if (name == null || mode == null) {
            return null;
        }
        int before = p.errors().size();
        for (NodeTuple t : keys.values()) {
            String k = YamlNodes.key(t);
            if (!(mode == QueueMode.PULL ? PULL_KEYS : PUSH_KEYS).contains(k)) {
                boolean other = (mode == QueueMode.PULL ? PUSH_KEYS : PULL_KEYS).contains(k);
                p.error(
                        t.getKeyNode(),
                        name,
                        k,
                        other ? "is not allowed in a " + mode.name().toLowerCase() + " queue" : "unknown key");
            }
        }
        QueueSpec spec = mode == QueueMode.PULL ? pull(p, name, keys) : push(p, name, keys);
        return p.errors().size() > before ? null : spec;
    }

    private static String name(Problems p, Node entry, Map<String, NodeTuple> keys) {
        NodeTuple t = keys.get("name");
        if (t == null) {
            p.error(entry, null, "name", "every queue needs a name");
            return null;
        }
        String n = YamlNodes.scalar(p, t.getValueNode(), null, "name");
        if (n != null && !Validation.isValidQueueName(n)) {
            p.error(t.getValueNode(), n, "name", "must match [a-zA-Z0-9-]{1,100}");
            return null;
        }
        return n;
    }

    private static QueueMode mode(Problems p, String name, Map<String, NodeTuple> keys) {
        NodeTuple t = keys.get("mode");
        if (t == null) {
            return QueueMode.PUSH;
        }
        String v = YamlNodes.scalar(p, t.getValueNode(), name, "mode");
        if ("pull".equals(v)) {
            return QueueMode.PULL;
        }
        if ("push".equals(v)) {
            return QueueMode.PUSH;
        }
        p.error(t.getValueNode(), name, "mode", "must be push or pull, got \"" + v + "\"");
        return null;
    }

    private static QueueSpec pull(Problems p, String name, Map<String, NodeTuple> keys) {
        Integer retryLimit = null;
        NodeTuple rp = keys.get("retry_parameters");
        if (rp != null) {
            retryLimit = retryParameters(p, name, rp.getValueNode(), Set.of("task_retry_limit"), "pull");
        }
        int perSecond = Limits.DEFAULT_LEASE_REQUESTS_PER_SECOND;
        NodeTuple lr = keys.get("lease_requests_per_second");
        if (lr != null) {
            Long v = YamlNodes.integer(p, lr.getValueNode(), name, "lease_requests_per_second", 0, 1_000_000);
            perSecond = v == null ? perSecond : v.intValue();
        }
        NodeTuple acl = keys.get("acl");
        return new QueueSpec(
                name, QueueMode.PULL, retryLimit, acl == null ? Acl.NONE : acl(p, name, acl), perSecond, null);
    }

    private static QueueSpec push(Problems p, String name, Map<String, NodeTuple> keys) {
        NodeTuple rate = keys.get("rate");
        String r = null;
        if (rate == null) {
            p.error(keys.get("name").getKeyNode(), name, "rate", "a push queue needs a rate, e.g. 5/s");
        } else {
            r = YamlNodes.scalar(p, rate.getValueNode(), name, "rate");
            if (r != null && !RATE.matcher(r.trim()).matches()) {
                p.error(
                        rate.getValueNode(),
                        name,
                        "rate",
                        "must be a number with /s, /m, /h or /d, or 0; got \"" + r + "\"");
                r = null;
            }
        }
        double bucketSize = QueueSpec.DEFAULT_BUCKET_SIZE;
        NodeTuple bucket = keys.get("bucket_size");
        if (bucket != null) {
            Double b = YamlNodes.number(p, bucket.getValueNode(), name, "bucket_size", 0);
            if (b != null && (b <= 0 || b > 500)) {
                p.error(bucket.getValueNode(), name, "bucket_size", "must be more than 0 and at most 500");
            } else if (b != null) {
                bucketSize = b;
            }
        }
        Integer maxConcurrent = null;
        NodeTuple mcr = keys.get("max_concurrent_requests");
        if (mcr != null) {
            Long v = YamlNodes.integer(p, mcr.getValueNode(), name, "max_concurrent_requests", 1, Integer.MAX_VALUE);
            maxConcurrent = v == null ? null : v.intValue();
        }
        NodeTuple target = keys.get("target");
        if (target != null) {
            YamlNodes.scalar(p, target.getValueNode(), name, "target");
        }
        Integer retryLimit = null;
        NodeTuple rp = keys.get("retry_parameters");
        if (rp != null) {
            retryLimit = retryParameters(p, name, rp.getValueNode(), PUSH_RETRY_KEYS, "push");
        }
        QueueSpec.PushRate pushRate =
                r == null ? null : new QueueSpec.PushRate(r.trim(), perSecond(r.trim()), bucketSize, maxConcurrent);
        return new QueueSpec(name, QueueMode.PUSH, retryLimit, Acl.NONE, 0, pushRate);
    }

    /** A valid {@code rate} ({@link #RATE}) in tasks per second. */
    static double perSecond(String rate) {
        if (rate.equals("0")) {
            return 0;
        }
        int slash = rate.indexOf('/');
        double n = Double.parseDouble(rate.substring(0, slash));
        switch (rate.charAt(slash + 1)) {
            case 'm':
                return n / 60;
            case 'h':
                return n / 3600;
            case 'd':
                return n / 86_400;
            default:
                return n;
        }
    }

    /** Validates retry_parameters; returns task_retry_limit or null. */
    private static Integer retryParameters(Problems p, String name, Node v, Set<String> allowed, String mode) {
        if (!(v instanceof MappingNode m)) {
            p.error(v, name, "retry_parameters", "must be a mapping");
            return null;
        }
        Integer limit = null;
        Double min = null;
        Double max = null;
        for (NodeTuple t : YamlNodes.tuples(p, m, name)) {
            String k = YamlNodes.key(t);
            String key = "retry_parameters." + k;
            Node val = t.getValueNode();
            if (!allowed.contains(k)) {
                p.error(
                        t.getKeyNode(),
                        name,
                        key,
                        PUSH_RETRY_KEYS.contains(k)
                                ? "is not allowed in a " + mode + " queue (only task_retry_limit is)"
                                : "unknown key");
                continue;
            }
            switch (k) {
                case "task_retry_limit" -> {
                    Long n = YamlNodes.integer(p, val, name, key, 0, Integer.MAX_VALUE);
                    limit = n == null ? null : n.intValue();
                    if (n != null && n == 0 && "pull".equals(mode)) {
                        p.warn(val, name, key, "is 0: tasks of this queue can never be leased");
                    }
                }
                case "task_age_limit" -> {
                    String s = YamlNodes.scalar(p, val, name, key);
                    if (s != null
                            && (!AGE.matcher(s.trim()).matches()
                                    || Double.parseDouble(s.trim()
                                                    .substring(0, s.trim().length() - 1))
                                            <= 0)) {
                        p.error(
                                val,
                                name,
                                key,
                                "must be a positive number with s, m, h or d, e.g. 2d; got \"" + s + "\"");
                    }
                }
                case "min_backoff_seconds" -> min = YamlNodes.number(p, val, name, key, 0);
                case "max_backoff_seconds" -> max = YamlNodes.number(p, val, name, key, 0);
                default -> YamlNodes.integer(p, val, name, key, 0, Integer.MAX_VALUE);
            }
        }
        if (min != null && max != null && min > max) {
            p.error(v, name, "retry_parameters.min_backoff_seconds", "must not be more than max_backoff_seconds");
        }
        return limit;
    }

    private static Acl acl(Problems p, String name, NodeTuple t) {
        if (!(t.getValueNode() instanceof SequenceNode seq)) {
            p.error(t.getValueNode(), name, "acl", "must be a list of user_email / writer_email entries");
            return Acl.NONE;
        }
        List<String> users = new ArrayList<>();
        List<String> writers = new ArrayList<>();
        for (Node e : seq.getValue()) {
            if (!(e instanceof MappingNode m) || m.getValue().size() != 1) {
                p.error(e, name, "acl", "each entry must be one user_email: or writer_email: line");
                continue;
            }
            NodeTuple only = m.getValue().get(0);
            String k = only.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode ? YamlNodes.key(only) : "";
            String email = YamlNodes.scalar(p, only.getValueNode(), name, "acl." + k);
            if ("user_email".equals(k) && email != null) {
                users.add(email);
            } else if ("writer_email".equals(k) && email != null) {
                writers.add(email);
            } else if (email != null) {
                p.error(only.getKeyNode(), name, "acl." + k, "must be user_email or writer_email");
            }
        }
        return new Acl(users, writers);
    }
}
