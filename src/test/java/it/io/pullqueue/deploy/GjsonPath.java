package it.io.pullqueue.deploy;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of GJSON's path syntax that KEDA's Metrics API scaler applies to a JSON answer ({@code valueLocation}):
 * keys separated by dots, a backslash escaping the next character, a number indexing an array, {@code #} an array's
 * length. Wildcards, queries and modifiers are refused, so a manifest cannot rely on syntax this check skips.
 */
final class GjsonPath {
    private GjsonPath() {}

    /** The value at {@code path}, or {@code null} where GJSON finds nothing. */
    static JsonValue get(JsonValue root, String path) {
        JsonValue v = root;
        for (String part : parts(path)) {
            if (v == null) {
                return null;
            }
            if (v.getValueType() == JsonValue.ValueType.ARRAY) {
                JsonArray a = v.asJsonArray();
                if (part.equals("#")) {
                    v = jakarta.json.Json.createValue(a.size());
                } else if (part.matches("\\d+")) {
                    int i = Integer.parseInt(part);
                    v = i < a.size() ? a.get(i) : null;
                } else {
                    return null;
                }
            } else if (v.getValueType() == JsonValue.ValueType.OBJECT) {
                JsonObject o = v.asJsonObject();
                v = o.get(part);
            } else {
                return null;
            }
        }
        return v;
    }

    private static List<String> parts(String path) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length()) {
                cur.append(path.charAt(++i));
            } else if (c == '.') {
                parts.add(cur.toString());
                cur.setLength(0);
            } else if (c == '*' || c == '?' || c == '|' || c == '@' || c == '(' || c == '=' || c == '!') {
                throw new IllegalArgumentException("GJSON syntax this check does not evaluate: '" + c + "' in " + path);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }
}
