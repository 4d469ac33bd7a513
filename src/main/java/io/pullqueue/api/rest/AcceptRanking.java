package io.pullqueue.api.rest;

/**
 * Which of the lease call's two answers an {@code Accept} header prefers: the compact one ({@link LeasedBytes#TYPE})
 * or JSON. Each type's quality comes from the most specific media range that matches it (RFC 9110 §12.5.1: the type
 * itself, then {@code application/*}, then any type); a type no range matches has quality 0. The compact answer is
 * chosen only when its quality is above JSON's. Read in place, without splitting the header into strings: every
 * lease call of a worker carries one. A range that cannot be read (a malformed {@code q}) is ignored, never an error:
 * the answer falls back to JSON, as before this type existed.
 */
final class AcceptRanking {
    private static final String JSON = "application/json";
    private static final int EXACT = 3;
    private static final int ANY_SUBTYPE = 2;
    private static final int ANY = 1;

    private final String header;
    /** Per type: the specificity of the most specific range seen so far, and its quality in thousandths. */
    private int compactSpecificity;

    private int compactQuality;
    private int jsonSpecificity;
    private int jsonQuality;

    AcceptRanking(String header) {
        this.header = header;
    }

    boolean compactFirst() {
        int n = header.length();
        for (int from = 0; from <= n; ) {
            int end = header.indexOf(',', from);
            if (end < 0) {
                end = n;
            }
            range(from, end);
            from = end + 1;
        }
        return compactQuality > jsonQuality;
    }

    /** One media range, {@code header[from, end)}: {@code type/subtype} and parameters after {@code ;}. */
    private void range(int from, int end) {
        int semi = header.indexOf(';', from);
        if (semi < 0 || semi > end) {
            semi = end;
        }
        int a = skipSpaces(from, semi);
        int b = trimSpaces(a, semi);
        int compact = match(a, b, LeasedBytes.TYPE);
        int json = match(a, b, JSON);
        if (compact == 0 && json == 0) {
            return;
        }
        int q = quality(semi, end);
        if (q < 0) {
            return;
        }
        if (compact > compactSpecificity) {
            compactSpecificity = compact;
            compactQuality = q;
        } else if (compact > 0 && compact == compactSpecificity) {
            compactQuality = Math.max(compactQuality, q); // the same range twice: the kinder one
        }
        if (json > jsonSpecificity) {
            jsonSpecificity = json;
            jsonQuality = q;
        } else if (json > 0 && json == jsonSpecificity) {
            jsonQuality = Math.max(jsonQuality, q);
        }
    }

    /** How specifically {@code header[a, b)} matches {@code type} ({@link #EXACT} ... {@link #ANY}), or 0. */
    private int match(int a, int b, String type) {
        int len = b - a;
        if (len == type.length() && header.regionMatches(true, a, type, 0, len)) {
            return EXACT;
        }
        if (len == 13 && header.regionMatches(true, a, "application/*", 0, 13)) {
            return ANY_SUBTYPE;
        }
        return len == 3 && header.startsWith("*/*", a) ? ANY : 0;
    }

    /** The range's {@code q} in thousandths (1000 when absent), or -1 when it is not a valid qvalue. */
    private int quality(int semi, int end) {
        int q = 1000;
        for (int p = semi; p < end; ) {
            int next = header.indexOf(';', p + 1);
            if (next < 0 || next > end) {
                next = end;
            }
            int a = skipSpaces(p + 1, next);
            int b = trimSpaces(a, next);
            if (b - a >= 2 && (header.charAt(a) == 'q' || header.charAt(a) == 'Q') && header.charAt(a + 1) == '=') {
                q = qvalue(a + 2, b);
            }
            p = next;
        }
        return q;
    }

    /** {@code 0[.ddd]} or {@code 1[.000]} in thousandths, else -1. */
    private int qvalue(int a, int b) {
        if (a >= b || b - a > 5 || header.charAt(a) != '0' && header.charAt(a) != '1') {
            return -1;
        }
        int whole = header.charAt(a) - '0';
        int thousandths = 0;
        if (b - a > 1) {
            if (header.charAt(a + 1) != '.') {
                return -1;
            }
            int scale = 100;
            for (int i = a + 2; i < b; i++, scale /= 10) {
                char c = header.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                thousandths += (c - '0') * scale;
            }
        }
        int q = whole * 1000 + thousandths;
        return q > 1000 ? -1 : q;
    }

    private int skipSpaces(int a, int b) {
        while (a < b && (header.charAt(a) == ' ' || header.charAt(a) == '\t')) {
            a++;
        }
        return a;
    }

    private int trimSpaces(int a, int b) {
        while (b > a && (header.charAt(b - 1) == ' ' || header.charAt(b - 1) == '\t')) {
            b--;
        }
        return b;
    }
}
