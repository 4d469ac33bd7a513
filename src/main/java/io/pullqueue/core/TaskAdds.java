package io.pullqueue.core;

import java.util.ArrayList;
import java.util.List;

/**
 * One add call of the {@link PullQueueEngine} (semantics.md §4): its tasks checked together, the room it reserves
 * in the store, the store's answer per task, and what a commit the database may not have made means to the caller.
 */
final class TaskAdds {
    private final TaskStore store;
    private final QueueActivity activity;
    private final TaskAvailabilityListener available;

    TaskAdds(TaskStore store, QueueActivity activity, TaskAvailabilityListener available) {
        this.store = store;
        this.activity = activity;
        this.available = available;
    }

    static void checkTaskCount(List<TaskDraft> drafts) {
        if (drafts.size() > Limits.MAX_TASKS_PER_ADD) {
            throw new QueueException(
                    ErrorCode.TOO_MANY_TASKS,
                    "tasks",
                    "at most " + Limits.MAX_TASKS_PER_ADD + " tasks per add call, got " + drafts.size());
        }
    }

    /**
     * Checks the tasks; when any is invalid nothing is added (see {@link DraftChecks#checkAll}). Otherwise, once the
     * call's mode is that of a pull queue, inserts each task on its own: OK, TASK_ALREADY_EXISTS or TOMBSTONED_TASK.
     *
     * @param spec the queue, {@code null} when {@code queueError} says why there is none
     */
    List<AddResult> add(
            String queue,
            QueueSpec spec,
            List<TaskDraft> drafts,
            List<QueueException> refusals,
            QueueException queueError,
            boolean pullTasks,
            long now) {
        DraftChecks.Checked checked = DraftChecks.checkAll(queue, drafts, refusals, queueError, now);
        if (checked.refused() != null) {
            return checked.refused();
        }
        if (!pullTasks) {
            throw new QueueException(
                    ErrorCode.INVALID_QUEUE_MODE,
                    "mode",
                    "pullqueue serves pull tasks only; " + "a task without mode PULL cannot be added (queue " + queue
                            + ")");
        }
        PullQueueEngine.requirePull(spec);
        List<NewTask> tasks = checked.tasks();
        List<AddResult> results = new ArrayList<>(drafts.size());
        if (tasks.isEmpty()) {
            return results;
        }
        List<ErrorCode> codes = insert(queue, tasks, now);
        int added = 0;
        for (int i = 0; i < tasks.size(); i++) {
            NewTask t = tasks.get(i);
            ErrorCode c = codes.get(i);
            added += c == ErrorCode.OK ? 1 : 0;
            results.add(new AddResult(c, t.name(), t.nameChosen(), t.etaUsec(), null));
        }
        activity.added(queue, added);
        if (added > 0) {
            available.tasksAvailable(queue);
        }
        return results;
    }

    /** Inserts the checked tasks within the room their bytes take; one store answer per task. */
    @SuppressWarnings("try") // the room is held while the add runs: closing it is all it does
    private List<ErrorCode> insert(String queue, List<NewTask> tasks, long now) {
        long bytes = 0;
        for (NewTask t : tasks) {
            bytes += t.payload().length
                    + t.name().length()
                    + (t.tag() == null ? 0 : t.tag().length());
        }
        try (TaskStore.Room room = store.reserveRoom(bytes)) {
            return store.taskAddMany(queue, tasks, now);
        } catch (CommitUncertainException e) {
            // Every task was named before the commit, so a retry with these names cannot duplicate: a task that
            // was committed answers TASK_ALREADY_EXISTS (or TOMBSTONED_TASK once deleted), the others are added.
            List<String> names = tasks.stream().map(NewTask::name).toList();
            throw new QueueException(
                    ErrorCode.COMMIT_UNCERTAIN,
                    "tasks",
                    "the database may or may not have "
                            + "committed this add (" + tasks.size()
                            + " tasks); add them again with these names (a task "
                            + "that was committed answers TASK_ALREADY_EXISTS): " + String.join(", ", names),
                    names);
        }
    }
}
