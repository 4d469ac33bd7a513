package it.io.pullqueue.edge;

import java.util.List;

/** What an error body must never show: class names, stack frames, the web container's or the runtime's messages. */
final class Leaks {
    private Leaks() {}

    private static final List<String> MARKERS = List.of(
            "Exception",
            "RESTEASY",
            "SRVE",
            "CWW",
            "io.pullqueue",
            "java.",
            "jakarta.",
            "org.",
            "com.ibm",
            "<html",
            "<H1>",
            "\tat ",
            "parsson",
            "Caused by");

    /** The first leak marker in {@code body}, or null. */
    static String find(String body) {
        for (String m : MARKERS) {
            if (body.contains(m)) {
                return m;
            }
        }
        return null;
    }
}
