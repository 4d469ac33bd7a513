package io.pullqueue.api.http;

import io.pullqueue.core.Tag;
import jakarta.ws.rs.QueryParam;

/**
 * A tag in the query string, as a JSON door's calls take it ({@code @BeanParam}): {@code tag} (its UTF-8 bytes) or
 * {@code tagBase64} (any bytes), not both; see {@link JsonInput#tag(String, String)}.
 */
public class TagQuery {
    @QueryParam("tag")
    String text;

    @QueryParam("tagBase64")
    String base64;

    /** The tag, or {@code null} when none is given. */
    public Tag tag() {
        return JsonInput.tag(text, base64);
    }
}
