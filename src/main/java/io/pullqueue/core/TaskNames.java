package io.pullqueue.core;

import java.security.SecureRandom;

/** Names the server chooses for tasks added without one. */
final class TaskNames {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TaskNames() {}

    /** The URL-safe characters of the task-name pattern in ASCII order, so that encoded numbers sort as numbers. */
    private static final char[] ORDERED_ALPHABET =
            "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz".toCharArray();
    /** Characters of the time prefix: 10 × 6 bits hold µs since the epoch until the year 38,000. */
    static final int NAME_TIME_CHARS = 10;
    /** Characters of the random part: 22 × 6 bits = 132 bits, 128 of them random. */
    static final int NAME_RANDOM_CHARS = 22;

    /**
     * A server-chosen name: URL-safe, matching the task-name pattern, 128 random bits as before, but prefixed with
     * the creation time (µs, 10 characters of an alphabet in ASCII order). Names that sort by creation keep the
     * name index and the tombstones appended at their ends: with purely random names every add, delete and
     * tombstone touched a different B-tree page, and a 1000-task delete wrote several MB to the WAL.
     */
    static String choose(long nowUsec) {
        char[] c = new char[NAME_TIME_CHARS + NAME_RANDOM_CHARS];
        long t = Math.max(0, nowUsec);
        for (int i = NAME_TIME_CHARS - 1; i >= 0; i--) {
            c[i] = ORDERED_ALPHABET[(int) (t & 63)];
            t >>>= 6;
        }
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        int bits = 0;
        int acc = 0;
        int k = NAME_TIME_CHARS;
        for (byte x : b) {
            acc = acc << 8 | (x & 0xff);
            bits += 8;
            while (bits >= 6) {
                bits -= 6;
                c[k++] = ORDERED_ALPHABET[acc >>> bits & 63];
            }
        }
        c[k] = ORDERED_ALPHABET[acc << (6 - bits) & 63];
        return new String(c);
    }
}
