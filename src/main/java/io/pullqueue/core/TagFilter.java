package io.pullqueue.core;

/**
 * Which tasks a lease may take: any due task, only tasks of one tag, or only tasks sharing the tag of the
 * oldest due task (untagged tasks if that task has no tag).
 */
public record TagFilter(Kind kind, Tag tag) {

    public enum Kind {
        ANY,
        TAG,
        OLDEST_TAG
    }

    public static final TagFilter ANY = new TagFilter(Kind.ANY, null);
    public static final TagFilter OLDEST_TAG = new TagFilter(Kind.OLDEST_TAG, null);

    public static TagFilter tag(Tag tag) {
        return new TagFilter(Kind.TAG, tag);
    }

    /** Tasks of the tag whose bytes are {@code tag}'s UTF-8. */
    public static TagFilter tag(String tag) {
        return tag(Tag.of(tag));
    }

    /**
     * App Engine's rule for a lease request: without grouping a tag is an error; with grouping, an absent or
     * empty tag means "the oldest due task's tag".
     */
    public static TagFilter of(boolean groupByTag, Tag tag) {
        boolean hasTag = tag != null;
        if (!groupByTag) {
            if (hasTag) {
                throw new QueueException(
                        ErrorCode.INVALID_REQUEST, "tag", "a tag was given but groupByTag was not set");
            }
            return ANY;
        }
        return hasTag ? tag(tag) : OLDEST_TAG;
    }
}
