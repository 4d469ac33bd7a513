package io.pullqueue.core;

import java.util.Map;
import java.util.OptionalLong;

/**
 * Figures an operator watches for the store's health: live and dead row versions per table (dead ones not yet
 * reclaimed are PostgreSQL's table bloat) and the task notifications this server received from the database.
 * Read by the maintenance timer, never on a request path.
 *
 * @param tables row versions by table name; empty for a store without such figures
 * @param notificationsReceived notifications received so far; empty for a store that sends none
 */
public record StoreDiagnostics(Map<String, TableRows> tables, OptionalLong notificationsReceived) {
    /** What a store without figures of its own reports. */
    public static final StoreDiagnostics NONE = new StoreDiagnostics(Map.of(), OptionalLong.empty());

    public StoreDiagnostics {
        tables = Map.copyOf(tables);
    }

    /** Live and dead row versions of one table. */
    public record TableRows(long live, long dead) {}
}
