package io.pullqueue.api.v1beta2;

import jakarta.ws.rs.PathParam;

/** The path of one task, {@code .../projects/{project}/taskqueues/{taskqueue}/tasks/{task}} ({@code @BeanParam}). */
public class TaskPath {
    @PathParam("project")
    String project;

    @PathParam("taskqueue")
    String queue;

    @PathParam("task")
    String task;
}
