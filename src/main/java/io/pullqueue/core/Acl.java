package io.pullqueue.core;

import java.util.List;

/**
 * A pull queue's access list from queue.yaml: {@code user_email} entries may consume (lease, modify, delete,
 * list) and {@code writer_email} entries may produce (add).
 */
public record Acl(List<String> userEmails, List<String> writerEmails) {
    public static final Acl NONE = new Acl(List.of(), List.of());

    public Acl {
        userEmails = List.copyOf(userEmails);
        writerEmails = List.copyOf(writerEmails);
    }

    public boolean isEmpty() {
        return userEmails.isEmpty() && writerEmails.isEmpty();
    }
}
