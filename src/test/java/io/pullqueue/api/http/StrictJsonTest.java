package io.pullqueue.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The strict reader of JSON request bodies: what it refuses, what it names, and that it reads JSON right. */
class StrictJsonTest {

    private static JsonObject read(byte[] body) {
        try {
            return StrictJson.object(new ByteArrayInputStream(body));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonObject read(String body) {
        return read(body.getBytes(StandardCharsets.UTF_8));
    }

    private static QueueException refused(byte[] body, String field, String words) {
        QueueException e = assertThrows(QueueException.class, () -> read(body));
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(words), e.getMessage());
        return e;
    }

    private static QueueException refused(String body, String field, String words) {
        return refused(body.getBytes(StandardCharsets.UTF_8), field, words);
    }

    @Test
    void trailingDataAndASecondObjectAreRefused() {
        refused("{\"payload\":\"aGk=\",\"name\":\"t1\"}garbage", null, "data after its JSON object");
        refused("{\"payload\":\"aGk=\"}{\"x\":1}", null, "data after its JSON object");
        assertEquals("aGk=", read(" {\"payload\":\"aGk=\"}\r\n\t ").getString("payload"));
    }

    @Test
    void duplicateKeysAreRefusedNamingTheField() {
        refused("{\"payload\":\"aGk=\",\"payload\":\"aGVsbG8=\"}", "payload", "more than once");
        refused("{\"tasks\":[{\"tag\":\"a\"},{\"tag\":\"a\",\"tag\":\"b\"}]}", "tasks[1].tag", "more than once");
    }

    @Test
    void nestingIsLimited() {
        String deep = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
        refused(deep, "a" + ".a".repeat(StrictJson.MAX_DEPTH - 1), "nested more than 32 levels");
        String deepArrays = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        refused(deepArrays, "a" + "[0]".repeat(StrictJson.MAX_DEPTH - 1), "nested more than 32 levels");
        String ok = "{\"a\":".repeat(StrictJson.MAX_DEPTH) + "1" + "}".repeat(StrictJson.MAX_DEPTH);
        assertEquals(1, depth(read(ok)));
    }

    private static int depth(JsonObject o) {
        JsonValue v = o;
        while (v instanceof JsonObject j) {
            v = j.get("a");
        }
        return ((jakarta.json.JsonNumber) v).intValue();
    }

    @Test
    void invalidUtf8AndLoneSurrogatesAreRefused() {
        byte[] bad = "{\"tag\":\"ab__\"}".getBytes(StandardCharsets.US_ASCII);
        bad[10] = (byte) 0xff;
        bad[11] = (byte) 0xfe;
        refused(bad, "tag", "not valid UTF-8");
        byte[] overlong = "{\"tag\":\"__\"}".getBytes(StandardCharsets.US_ASCII);
        overlong[8] = (byte) 0xc0;
        overlong[9] = (byte) 0xaf;
        refused(overlong, "tag", "not valid UTF-8");
        byte[] encodedSurrogate = "{\"tag\":\"___\"}".getBytes(StandardCharsets.US_ASCII);
        encodedSurrogate[8] = (byte) 0xed;
        encodedSurrogate[9] = (byte) 0xa0;
        encodedSurrogate[10] = (byte) 0x80;
        refused(encodedSurrogate, "tag", "not valid UTF-8");
        refused("{\"tag\":\"\\ud800\"}", "tag", "unpaired surrogate");
        refused("{\"tag\":\"x\\udc00y\"}", "tag", "unpaired surrogate");
        assertEquals(
                "\uD83D\uDE00 é €", read("{\"tag\":\"\\ud83d\\ude00 é €\"}").getString("tag"));
        assertEquals("\uD83D\uDE00", read("{\"tag\":\"\uD83D\uDE00\"}").getString("tag"));
    }

    @Test
    void malformedBodiesAreRefusedWithoutQuotingTheParser() {
        for (String bad : new String[] {
            "",
            "   ",
            "[1,2]",
            "\"x\"",
            "{",
            "{\"a\"",
            "{\"a\":}",
            "{\"a\":1,}",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":-}",
            "{\"a\":tru}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\n\"}",
            "{a:1}",
            "{\"a\":1 \"b\":2}",
            "{\"a\":[1 2]}",
            "{\"a\":\"\\u12\"}",
            "{'a':1}",
            "{\"a\":NaN}"
        }) {
            QueueException e = assertThrows(QueueException.class, () -> read(bad), bad);
            assertEquals(ErrorCode.INVALID_REQUEST, e.code(), bad);
            assertTrue(!e.getMessage().contains("Exception") && !e.getMessage().contains("parsson"), e.getMessage());
        }
        refused("{\"n\":" + "9".repeat(100) + "}", "n", "more than 64 characters");
    }

    /** Differential: whatever JSON-P writes, this reader reads back equal. */
    @Test
    void readsWhatJsonPWrites() {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            JsonObject o = randomObject(r, 0);
            assertEquals(o, read(o.toString()), o.toString());
            JsonObject viaParsson =
                    Json.createReader(new StringReader(o.toString())).readObject();
            assertEquals(viaParsson, read(o.toString()));
        }
    }

    private static JsonObject randomObject(Random r, int depth) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            String k = randomString(r) + i;
            switch (depth > 3 ? r.nextInt(5) : r.nextInt(7)) {
                case 0 -> b.add(k, randomString(r));
                case 1 -> b.add(k, r.nextLong());
                case 2 -> b.add(k, r.nextDouble() * 1e6);
                case 3 -> b.add(k, r.nextBoolean());
                case 4 -> b.addNull(k);
                case 5 -> b.add(k, randomObject(r, depth + 1));
                default -> {
                    JsonArrayBuilder a = Json.createArrayBuilder();
                    for (int j = r.nextInt(4); j > 0; j--) {
                        a.add(r.nextBoolean() ? Json.createValue(randomString(r)) : randomObject(r, depth + 1));
                    }
                    b.add(k, a);
                }
            }
        }
        return b.build();
    }

    private static String randomString(Random r) {
        StringBuilder s = new StringBuilder();
        String alphabet = "ab\"\\/\b\f\n\r\t\u0001é€\uD83D\uDE00 ";
        for (int i = r.nextInt(8); i > 0; i--) {
            int j = r.nextInt(alphabet.length());
            char c = alphabet.charAt(j);
            if (Character.isHighSurrogate(c)) {
                s.append(c).append(alphabet.charAt(j + 1));
            } else if (!Character.isLowSurrogate(c)) {
                s.append(c);
            }
        }
        return s.toString();
    }
}
