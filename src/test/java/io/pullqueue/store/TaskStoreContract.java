package io.pullqueue.store;

import io.pullqueue.core.TaskStore;
import org.junit.jupiter.api.BeforeEach;

/**
 * The behaviour every {@link TaskStore} must show, as its javadoc states it. A store's test extends this class
 * and says how to make a fresh store; the tests themselves live in the contract interfaces, grouped by area.
 * All times are explicit µs values (see {@link StoreFixture}): no clock, no sleeps.
 */
public abstract class TaskStoreContract
        implements AddDeleteContract,
                LeaseContract,
                ModifyLeaseContract,
                QueueContract,
                MaintenanceContract,
                OperatorContract {

    private TaskStore store;

    /** A fresh, empty, initialized store over its own database (called once per test). */
    protected abstract TaskStore createStore();

    /**
     * A new store instance over the database of the store {@link #createStore()} returned last, initialized,
     * as the server would build it after a restart.
     */
    protected abstract TaskStore reopenStore();

    @BeforeEach
    final void freshStore() {
        store = createStore();
    }

    @Override
    public final TaskStore store() {
        return store;
    }

    @Override
    public final TaskStore reopen() {
        return reopenStore();
    }
}
