package io.pullqueue.service;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.Identity;
import io.pullqueue.core.QueueException;
import io.pullqueue.core.Role;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who the current call is made by. The HTTP edge identifies the caller and runs the call {@link #as} it; the
 * {@link QueueService} checks every operation against it. A thread without a caller may do nothing.
 */
public final class Caller {
    private static final ThreadLocal<Identity> CURRENT = new ThreadLocal<>();
    /** The server's own bookkeeping (metrics of every queue), which no request makes. */
    static final Identity SERVER = new Identity("server", Set.of(Role.ADMIN));

    private Caller() {}

    /** The caller of the call running on this thread; PERMISSION_DENIED when there is none. */
    public static Identity current() {
        Identity who = CURRENT.get();
        if (who == null) {
            throw new QueueException(ErrorCode.PERMISSION_DENIED, "the caller was not identified");
        }
        return who;
    }

    /** The caller on this thread, or {@code null}. */
    public static Identity peek() {
        return CURRENT.get();
    }

    /** Makes {@code who} the caller on this thread until the returned scope is closed. */
    public static Scope bind(Identity who) {
        Identity before = CURRENT.get();
        CURRENT.set(who);
        return () -> {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        };
    }

    /** A caller bound to a thread; closing it restores the previous one. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Runs {@code work} as {@code who} on this thread, and restores the previous caller afterwards. */
    @SuppressWarnings("try") // the resource is a scope: closing it is all it does
    public static <T> T as(Identity who, Supplier<T> work) {
        try (Scope s = bind(who)) {
            return work.get();
        }
    }
}
