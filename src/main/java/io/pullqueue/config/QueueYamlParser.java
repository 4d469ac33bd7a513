package io.pullqueue.config;

import io.pullqueue.core.QueueSpec;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Parses queue.yaml (App Engine's format) into validated {@link QueueSpec}s. SnakeYAML only composes the node tree
 * (no objects are constructed), with limits on size, nesting and aliases, so a hostile file cannot exhaust memory.
 */
public final class QueueYamlParser {
    /** The largest queue.yaml accepted. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    private static final Pattern STORAGE = Pattern.compile("(\\d+(?:\\.\\d+)?)([BKMGT]?)");

    /** Parses and validates; throws {@link QueueConfigException} listing every error found. */
    public QueueConfig parse(String fileName, byte[] content) {
        Problems p = new Problems(fileName);
        if (content.length > MAX_FILE_BYTES) {
            p.error(null, null, null, "file is " + content.length + " bytes; the limit is " + MAX_FILE_BYTES);
            throw new QueueConfigException(p.errors());
        }
        Node root = compose(p, content);
        Map<String, QueueSpec> queues = new LinkedHashMap<>();
        Long storage = null;
        if (root instanceof MappingNode m) {
            storage = topLevel(p, m, queues);
        } else if (root != null) {
            p.error(root, null, null, "the file must be a mapping with a \"queue\" list");
        }
        if (p.any()) {
            throw new QueueConfigException(p.errors());
        }
        queues.putIfAbsent("default", QueueSpec.push("default"));
        return new QueueConfig(List.copyOf(queues.values()), storage, List.copyOf(p.warnings()));
    }

    private static Node compose(Problems p, byte[] content) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            p.error(null, null, null, "file is not valid UTF-8");
            throw new QueueConfigException(p.errors());
        }
        LoaderOptions o = new LoaderOptions();
        o.setAllowDuplicateKeys(false);
        o.setMaxAliasesForCollections(20);
        o.setNestingDepthLimit(20);
        o.setCodePointLimit(MAX_FILE_BYTES);
        o.setAllowRecursiveKeys(false);
        try {
            DumperOptions d = new DumperOptions();
            return new Yaml(new SafeConstructor(o), new Representer(d), d, o).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            p.error(null, null, null, "line " + line + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            p.error(null, null, null, "not valid YAML: " + e.getMessage());
        }
        throw new QueueConfigException(p.errors());
    }

    private static Long topLevel(Problems p, MappingNode root, Map<String, QueueSpec> queues) {
        Long storage = null;
        for (NodeTuple t : YamlNodes.tuples(p, root, null)) {
            String key = YamlNodes.key(t);
            Node v = t.getValueNode();
            switch (key) {
                case "queue":
                    queueList(p, v, queues);
                    break;
                case "total_storage_limit":
                    storage = storageLimit(p, v);
                    break;
                case "application":
                case "resume_paused_queues":
                    YamlNodes.scalar(p, v, null, key);
                    break;
                default:
                    p.error(
                            t.getKeyNode(),
                            null,
                            key,
                            "unknown top-level key; expected queue, total_storage_limit,"
                                    + " application or resume_paused_queues");
            }
        }
        return storage;
    }

    private static void queueList(Problems p, Node v, Map<String, QueueSpec> queues) {
        if (v instanceof ScalarNode s && s.getValue().isEmpty()) {
            return;
        }
        if (!(v instanceof SequenceNode seq)) {
            p.error(v, null, "queue", "must be a list of queue entries");
            return;
        }
        for (Node e : seq.getValue()) {
            QueueSpec spec = QueueEntryParser.parse(p, e);
            if (spec == null) {
                continue;
            }
            if (queues.putIfAbsent(spec.name(), spec) != null) {
                p.error(e, spec.name(), "name", "the queue is declared more than once");
            }
        }
    }

    private static Long storageLimit(Problems p, Node v) {
        String s = YamlNodes.scalar(p, v, null, "total_storage_limit");
        if (s == null) {
            return null;
        }
        var m = STORAGE.matcher(s.trim());
        if (!m.matches()) {
            p.error(
                    v,
                    null,
                    "total_storage_limit",
                    "must be a number with an optional B, K, M, G or T suffix, got \"" + s + "\"");
            return null;
        }
        int shift = "BKMGT".indexOf(m.group(2).isEmpty() ? "B" : m.group(2)) * 10;
        return (long) (Double.parseDouble(m.group(1)) * (1L << shift));
    }
}
