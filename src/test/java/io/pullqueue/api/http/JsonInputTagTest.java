package io.pullqueue.api.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.Tag;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A JSON door's tag: {@code tag} as text or {@code tagBase64} as any bytes, never both; errors name the field. */
class JsonInputTagTest {

    private static QueueException refused(String text, String base64, ErrorCode code, String field) {
        QueueException e = assertThrows(QueueException.class, () -> JsonInput.tag(text, base64));
        assertEquals(code, e.code());
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains(field), e.getMessage());
        return e;
    }

    @Test
    void eitherFormGivesTheTag() {
        assertEquals(Tag.of("red"), JsonInput.tag("red", null));
        assertEquals(Tag.of("red"), JsonInput.tag(null, "cmVk"));
        assertArrayEquals(
                new byte[] {(byte) 0xfb, (byte) 0xff},
                JsonInput.tag(null, "-_8").bytes(),
                "URL-safe");
        assertArrayEquals(
                new byte[] {(byte) 0xfb, (byte) 0xff},
                JsonInput.tag(null, "+/8=").bytes());
        assertNull(JsonInput.tag(null, null));
        assertNull(JsonInput.tag("", null));
        assertNull(JsonInput.tag(null, ""));
    }

    @Test
    void badTagsAreRefusedNamingTheField() {
        refused("a", "YQ==", ErrorCode.INVALID_REQUEST, "tagBase64");
        refused(null, "not base64!", ErrorCode.INVALID_REQUEST, "tagBase64");
        String limit = Base64.getEncoder().encodeToString(new byte[500]);
        assertEquals(500, JsonInput.tag(null, limit).length());
        QueueException big =
                refused(null, Base64.getEncoder().encodeToString(new byte[501]), ErrorCode.INVALID_TAG, "tagBase64");
        assertTrue(big.getMessage().contains("501 bytes"), big.getMessage());
        refused("é".repeat(251), null, ErrorCode.INVALID_TAG, "tag");
    }
}
