package io.pullqueue.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Checks of names, tags and limits. Each failure names the field and the rule it broke. */
public final class Validation {
    private Validation() {}

    private static final Pattern QUEUE_NAME = Pattern.compile("[a-zA-Z0-9-]{1,100}");

    public static boolean isValidQueueName(String name) {
        return name != null && QUEUE_NAME.matcher(name).matches();
    }

    public static void checkQueueName(String name) {
        if (name == null || name.isEmpty()) {
            throw new QueueException(ErrorCode.INVALID_QUEUE_NAME, "queue", "queue name is required");
        }
        if (!isValidQueueName(name)) {
            throw new QueueException(
                    ErrorCode.INVALID_QUEUE_NAME, "queue", "queue name must match [a-zA-Z0-9-]{1,100}");
        }
    }

    /** {@code [a-zA-Z0-9_-]{1,500}}, checked without a regex: every deleted and leased name passes here. */
    public static boolean isValidTaskName(String name) {
        if (name == null || name.isEmpty() || name.length() > Limits.MAX_TASK_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public static void checkTaskName(String name) {
        if (!isValidTaskName(name)) {
            throw new QueueException(ErrorCode.INVALID_TASK_NAME, "name", "task name must match [a-zA-Z0-9_-]{1,500}");
        }
    }

    /** Returns the tag's length after checking it is at most 500 bytes. */
    public static int checkTag(Tag tag, String field) {
        int bytes = tag.length();
        if (bytes > Limits.MAX_TAG_BYTES) {
            throw new QueueException(
                    ErrorCode.INVALID_TAG,
                    field,
                    field + " is " + bytes + " bytes; the limit is " + Limits.MAX_TAG_BYTES + " bytes");
        }
        return bytes;
    }

    /** A lease request's own fields: how many tasks, for how long, and the tag when one is asked for. */
    public static void checkLease(long maxTasks, double leaseSeconds, TagFilter filter) {
        checkMaxTasks(maxTasks);
        checkLeaseSeconds(leaseSeconds, "leaseSeconds");
        if (filter.kind() == TagFilter.Kind.TAG) {
            checkTag(filter.tag(), "tag");
        }
    }

    public static void checkMaxTasks(long maxTasks) {
        if (maxTasks < 1 || maxTasks > Limits.MAX_TASKS_PER_LEASE) {
            throw new QueueException(
                    ErrorCode.INVALID_REQUEST,
                    "maxTasks",
                    "maxTasks must be between 1 and " + Limits.MAX_TASKS_PER_LEASE + ", got " + maxTasks);
        }
    }

    public static void checkLeaseSeconds(double seconds, String field) {
        if (!(seconds >= 0 && seconds <= Limits.MAX_LEASE_SECONDS)) {
            throw new QueueException(
                    ErrorCode.INVALID_REQUEST,
                    field,
                    field + " must be between 0 and " + Limits.MAX_LEASE_SECONDS + " seconds, got " + seconds);
        }
    }

    /** Converts a lease time in seconds to µs, rounding to the nearest µs. */
    public static long leaseUsec(double seconds) {
        return Math.round(seconds * Limits.USEC_PER_SECOND);
    }

    /**
     * Runs {@code action} on the valid names (when there are any) and gives one result per name in order: the
     * action's for a valid name, INVALID_TASK_NAME for the others.
     */
    static List<ErrorCode> perValidName(List<String> names, Function<List<String>, List<ErrorCode>> action) {
        List<String> valid = new ArrayList<>(names.size());
        boolean[] isValid = new boolean[names.size()];
        for (int i = 0; i < names.size(); i++) {
            isValid[i] = isValidTaskName(names.get(i));
            if (isValid[i]) {
                valid.add(names.get(i));
            }
        }
        List<ErrorCode> done = valid.isEmpty() ? List.of() : action.apply(valid);
        List<ErrorCode> results = new ArrayList<>(names.size());
        int j = 0;
        for (int i = 0; i < names.size(); i++) {
            results.add(isValid[i] ? done.get(j++) : ErrorCode.INVALID_TASK_NAME);
        }
        return results;
    }
}
