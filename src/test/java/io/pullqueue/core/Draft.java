package io.pullqueue.core;

/** A {@link TaskDraft} written fluently in the engine's tests: {@code draft("x").named("n").tagged("t")}. */
record Draft(TaskDraft task) {

    static Draft of(byte[] payload) {
        return new Draft(new TaskDraft(null, payload, null, null, null, null));
    }

    Draft named(String n) {
        return new Draft(new TaskDraft(
                n, task.payload(), task.tag(), task.etaUsec(), task.countdownSeconds(), task.retryLimit()));
    }

    Draft tagged(String t) {
        return new Draft(new TaskDraft(
                task.name(), task.payload(), Tag.of(t), task.etaUsec(), task.countdownSeconds(), task.retryLimit()));
    }

    Draft at(long eta) {
        return new Draft(new TaskDraft(
                task.name(), task.payload(), task.tag(), eta, task.countdownSeconds(), task.retryLimit()));
    }

    Draft after(double seconds) {
        return new Draft(
                new TaskDraft(task.name(), task.payload(), task.tag(), task.etaUsec(), seconds, task.retryLimit()));
    }

    Draft withRetryLimit(Integer limit) {
        return new Draft(
                new TaskDraft(task.name(), task.payload(), task.tag(), task.etaUsec(), task.countdownSeconds(), limit));
    }
}
