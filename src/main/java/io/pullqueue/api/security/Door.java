package io.pullqueue.api.security;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Which door a path belongs to, and how that door writes a refusal made at the edge (before any door code
 * runs): the native error JSON, Google's error envelope, or plain text for the App Engine protocol and pages.
 */
enum Door {
    NATIVE,
    V1BETA2,
    REMOTE_API,
    RPC_HTTP,
    PAGE;

    static Door of(String path) {
        if (path.startsWith("/api/")) {
            return NATIVE;
        }
        if (path.startsWith("/taskqueue/")) {
            return V1BETA2;
        }
        if (path.equals("/remote_api")) {
            return REMOTE_API;
        }
        if (path.equals("/rpc_http")) {
            return RPC_HTTP;
        }
        return PAGE;
    }

    /** Whether calls through this door need a caller (pages are static files; the API calls they make do). */
    boolean guarded() {
        return this != PAGE;
    }

    /**
     * Writes a refusal.
     *
     * @param reason the native API's reason (e.g. UNAUTHENTICATED); Google's reason follows from the status
     */
    void refuse(HttpServletResponse resp, int status, String reason, String message) throws IOException {
        resp.setStatus(status);
        String body;
        switch (this) {
            case NATIVE:
                resp.setContentType("application/json");
                body = "{\"error\":{\"code\":" + status + ",\"reason\":\"" + reason + "\",\"message\":\""
                        + json(message) + "\"}}";
                break;
            case V1BETA2:
                resp.setContentType("application/json");
                String google = status == 401 ? "required" : status == 415 ? "unsupportedMediaType" : "forbidden";
                body = "{\"error\":{\"code\":" + status + ",\"message\":\"" + json(message)
                        + "\",\"errors\":[{\"domain\":\"global\",\"reason\":\"" + google + "\",\"message\":\""
                        + json(message) + "\""
                        + (status == 401 ? ",\"locationType\":\"header\",\"location\":\"Authorization\"" : "") + "}]}}";
                break;
            default:
                resp.setContentType("text/plain");
                body = message + "\n";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        resp.setCharacterEncoding(StandardCharsets.UTF_8.name());
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
