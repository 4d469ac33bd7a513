package io.pullqueue.core;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A task's tag: any bytes, as App Engine kept them (the Java SDK's {@code TaskOptions.tag(byte[])}, Python's and
 * Go's byte strings). Most tags are text; {@link #text()} gives a tag that is valid UTF-8 as a string and
 * {@link #base64()} any tag losslessly, so a JSON door can write {@code tag} for text and {@code tagBase64} for
 * the rest. Equal when the bytes are equal. Never empty: an empty tag means "no tag" in every door.
 */
public final class Tag {
    private final byte[] bytes;
    /** The bytes as a string when they are valid UTF-8, else {@code null}. */
    private final String text;

    private Tag(byte[] bytes) {
        this.bytes = bytes;
        this.text = decode(bytes);
    }

    /** The tag with these bytes (copied), or {@code null} for {@code null} or no bytes (no tag). */
    public static Tag ofBytes(byte[] bytes) {
        return bytes == null || bytes.length == 0 ? null : new Tag(bytes.clone());
    }

    /** The tag whose bytes are the UTF-8 of {@code text}, or {@code null} for {@code null} or "" (no tag). */
    public static Tag of(String text) {
        return text == null || text.isEmpty() ? null : new Tag(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Copies the bytes into {@code dest} at {@code offset} (no copy of its own); returns the offset after them. */
    public int copyTo(byte[] dest, int offset) {
        System.arraycopy(bytes, 0, dest, offset, bytes.length);
        return offset + bytes.length;
    }

    public int length() {
        return bytes.length;
    }

    /** True if the bytes are valid UTF-8, so {@link #text()} gives them exactly. */
    public boolean isText() {
        return text != null;
    }

    /** The tag as text if it is valid UTF-8, else {@code null} (use {@link #base64()}). */
    public String text() {
        return text;
    }

    /** The bytes in standard base64 with padding. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tag t && Arrays.equals(bytes, t.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The text, or {@code base64:...} for a tag that is not UTF-8 (for messages and logs). */
    @Override
    public String toString() {
        return text != null ? text : "base64:" + base64();
    }
}
