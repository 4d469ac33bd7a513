package it.io.pullqueue.edge;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * JSON bodies for the fuzzers as plain maps and lists, written by hand so that a mutation can put anything in them:
 * any type in any field, deep nesting, unpaired surrogates, unknown and duplicated keys.
 */
final class Json {
    private Json() {}

    /** JSON null in a map or list. */
    static final Object NULL = new Object();

    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(b, v);
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder b, Object v) {
        if (v == NULL) {
            b.append("null");
        } else if (v instanceof String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20 || Character.isSurrogate(c)) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            b.append('"');
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(b, e.getKey());
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, l.get(i));
            }
            b.append(']');
        } else if (v instanceof Raw raw) {
            b.append(raw.text());
        } else {
            b.append(v);
        }
    }

    /** Text written as it is, for values JSON cannot hold (a deep nest is cheaper this way). */
    record Raw(String text) {}

    /** A value of any type and size, hostile more often than not. */
    static Object anything(Random r) {
        switch (r.nextInt(22)) {
            case 0:
                return NULL;
            case 1:
                return r.nextBoolean();
            case 2:
                return 0;
            case 3:
                return -1;
            case 4:
                return Long.MAX_VALUE;
            case 5:
                return Long.MIN_VALUE;
            case 6:
                return new BigInteger("123456789012345678901234567890");
            case 7:
                return new BigDecimal("1e999");
            case 8:
                return 1.5;
            case 9:
                return -1e-300;
            case 10:
                return Integer.toString(r.nextInt(100));
            case 11:
                return new ArrayList<>();
            case 12:
                return new LinkedHashMap<>();
            case 13: {
                int d = r.nextBoolean() ? 40 : 3000;
                return new Raw("[".repeat(d) + "]".repeat(d));
            }
            case 14:
                return "@@@";
            case 15:
                return Base64.getEncoder().encodeToString(new byte[r.nextInt(64)]);
            case 16:
                return "2026-13-45T99:00:00Z";
            case 17:
                return new ArrayList<>(List.of(Fuzzer.text(r), r.nextInt()));
            case 18:
                return r.nextInt(2000) - 100;
            case 19:
                return r.nextDouble() * 1e7;
            default:
                return Fuzzer.text(r);
        }
    }

    /** One structural change to a body: a field of another type, a field removed, an unknown field. */
    @SuppressWarnings("unchecked")
    static void mutate(Random r, Map<String, Object> body) {
        List<String> keys = new ArrayList<>(body.keySet());
        int what = r.nextInt(keys.isEmpty() ? 1 : 4);
        if (what == 0) {
            body.put(r.nextBoolean() ? "colour" : Fuzzer.text(r), anything(r));
        } else if (what == 1) {
            body.remove(keys.get(r.nextInt(keys.size())));
        } else {
            String k = keys.get(r.nextInt(keys.size()));
            Object v = body.get(k);
            if (v instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map && r.nextBoolean()) {
                mutate(r, (Map<String, Object>) l.get(r.nextInt(l.size())));
            } else {
                body.put(k, anything(r));
            }
        }
    }

    /** The body with one of its keys given a second time, right at the start. */
    static String duplicateKey(Random r, Map<String, Object> body) {
        String w = write(body);
        if (body.isEmpty()) {
            return w;
        }
        List<String> keys = new ArrayList<>(body.keySet());
        String k = keys.get(r.nextInt(keys.size()));
        return "{" + write(k) + ":" + write(anything(r)) + "," + w.substring(1);
    }
}
