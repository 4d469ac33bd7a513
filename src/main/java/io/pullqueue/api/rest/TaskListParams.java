package io.pullqueue.api.rest;

import io.pullqueue.api.http.JsonInput;
import io.pullqueue.api.http.TagQuery;
import io.pullqueue.core.Limits;
import io.pullqueue.core.Tag;
import io.pullqueue.core.TaskQuery;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.QueryParam;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * The query parameters of {@code GET .../tasks} ({@code @BeanParam}): {@code pageSize}, {@code state}, the tag,
 * {@code order} and the page token, which carries the last task of the previous page (its name; for the ETA orders
 * its ETA too), base64url-encoded.
 */
public class TaskListParams {
    @QueryParam("pageSize")
    String pageSize;

    @QueryParam("pageToken")
    String pageToken;

    @QueryParam("state")
    String state;

    @BeanParam
    TagQuery tag;

    @QueryParam("order")
    String order;

    /** {@code pageSize} as given: digits only (the range is the engine's rule), or the default when absent. */
    int pageSize() {
        if (pageSize == null || pageSize.isEmpty()) {
            return Limits.DEFAULT_LIST_PAGE_SIZE;
        }
        try {
            return Integer.parseInt(pageSize);
        } catch (NumberFormatException e) {
            throw JsonInput.invalid(
                    "pageSize",
                    "pageSize must be an integer between 1 and " + Limits.MAX_LIST_PAGE_SIZE + ", got " + pageSize);
        }
    }

    TaskQuery.State state() {
        if (state == null || state.isEmpty()) {
            return TaskQuery.State.ANY;
        }
        return switch (state.toLowerCase(Locale.ROOT)) {
            case "any" -> TaskQuery.State.ANY;
            case "due" -> TaskQuery.State.DUE;
            case "leased" -> TaskQuery.State.LEASED;
            case "waiting" -> TaskQuery.State.WAITING;
            default -> throw JsonInput.invalid("state", "state must be any, due, leased or waiting, got " + state);
        };
    }

    Tag tag() {
        return tag.tag();
    }

    TaskQuery.Order order() {
        if (order == null || order.isEmpty()) {
            return TaskQuery.Order.NAME;
        }
        return switch (order) {
            case "name" -> TaskQuery.Order.NAME;
            case "eta" -> TaskQuery.Order.ETA;
            case "-eta" -> TaskQuery.Order.ETA_DESC;
            default -> throw JsonInput.invalid("order", "order must be name, eta or -eta, got " + order);
        };
    }

    /** The token of the page after {@code next} (null on the last page). */
    static String token(TaskQuery.Order order, TaskQuery.Cursor next) {
        if (next == null) {
            return null;
        }
        String raw = order == TaskQuery.Order.NAME ? next.name() : next.etaUsec() + ":" + next.name();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor the page token carries, or null for none; one this server did not give out for the order is refused. */
    TaskQuery.Cursor cursor(TaskQuery.Order order) {
        if (pageToken == null || pageToken.isEmpty()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
            if (order == TaskQuery.Order.NAME) {
                return new TaskQuery.Cursor(0, raw);
            }
            int colon = raw.indexOf(':');
            return new TaskQuery.Cursor(Long.parseLong(raw.substring(0, colon)), raw.substring(colon + 1));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw JsonInput.invalid(
                    "pageToken",
                    "pageToken is not one this server gave out for order "
                            + order.name().toLowerCase(Locale.ROOT).replace("eta_desc", "-eta"));
        }
    }
}
