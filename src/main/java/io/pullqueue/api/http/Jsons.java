package io.pullqueue.api.http;

import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonReaderFactory;
import java.util.Map;

/**
 * Shared JSON-P factories. {@code Json.createObjectBuilder()} looks the provider up on every call, which costs more
 * than building the object; a 1000-task lease builds thousands of them, so every door uses these instead.
 */
public final class Jsons {
    public static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());
    public static final JsonReaderFactory READERS = Json.createReaderFactory(Map.of());

    private Jsons() {}
}
