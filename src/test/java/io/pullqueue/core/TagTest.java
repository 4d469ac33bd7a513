package io.pullqueue.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A tag is bytes; text is one way of writing the ones that are UTF-8. */
class TagTest {

    @Test
    void textTagsAreTheirUtf8Bytes() {
        Tag t = Tag.of("é€😀");
        assertArrayEquals("é€😀".getBytes(StandardCharsets.UTF_8), t.bytes());
        assertTrue(t.isText());
        assertEquals("é€😀", t.text());
        assertEquals(Tag.ofBytes("é€😀".getBytes(StandardCharsets.UTF_8)), t);
        assertEquals(9, t.length());
    }

    @Test
    void bytesThatAreNotUtf8HaveNoTextButABase64Form() {
        byte[] overlong = {(byte) 0xc0, (byte) 0xaf};
        byte[] surrogate = {(byte) 0xed, (byte) 0xa0, (byte) 0x80};
        byte[] truncated = {'a', (byte) 0xe2, (byte) 0x82};
        for (byte[] b : new byte[][] {overlong, surrogate, truncated, {(byte) 0xff}}) {
            Tag t = Tag.ofBytes(b);
            assertFalse(t.isText());
            assertNull(t.text());
            assertEquals("base64:" + t.base64(), t.toString());
        }
        assertEquals("wK8=", Tag.ofBytes(overlong).base64());
        assertNotEquals(
                Tag.ofBytes(overlong),
                Tag.of(new String(overlong, StandardCharsets.UTF_8)),
                "not the same tag as its U+FFFD look-alike");
    }

    @Test
    void noBytesIsNoTagAndTheBytesAreCopied() {
        assertNull(Tag.of(""));
        assertNull(Tag.of(null));
        assertNull(Tag.ofBytes(new byte[0]));
        byte[] b = {1, 2};
        Tag t = Tag.ofBytes(b);
        b[0] = 9;
        t.bytes()[1] = 9;
        assertArrayEquals(new byte[] {1, 2}, t.bytes());
    }
}
