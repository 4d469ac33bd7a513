package io.pullqueue.api.v1beta2;

/** Query parameters and the project segment, parsed strictly so a bad value is a 400 naming the parameter. */
final class Params {
    private Params() {}

    /** A required integer parameter in {@code min..max}. */
    static int requiredInt(String value, String name, long min, long max) {
        String range = min + ".." + max;
        if (value == null || value.isEmpty()) {
            throw GoogleErrors.invalid(name, "required parameter " + name + " is missing (" + range + ")");
        }
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw GoogleErrors.invalid(name, name + " must be an integer in " + range + ", got " + value);
        }
        if (v < min || v > max) {
            throw GoogleErrors.invalid(name, name + " must be between " + min + " and " + max + ", got " + value);
        }
        return (int) v;
    }

    static boolean bool(String value, String name) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw GoogleErrors.invalid(name, name + " must be true or false, got " + value);
    }

    /**
     * True if {@code project} names the app {@code appId}: as is, or with a partition prefix such as
     * {@code s~} (standard), {@code e~} (EU) or {@code dev~} (the dev server).
     */
    static boolean isProject(String project, String appId) {
        int tilde = project.indexOf('~');
        String id = project;
        if (tilde >= 0) {
            String partition = project.substring(0, tilde);
            if (partition.isEmpty() || !partition.chars().allMatch(ch -> ch >= 'a' && ch <= 'z')) {
                return false;
            }
            id = project.substring(tilde + 1);
        }
        return id.equalsIgnoreCase(appId);
    }
}
