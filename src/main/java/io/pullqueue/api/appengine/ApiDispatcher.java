package io.pullqueue.api.appengine;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.pullqueue.api.appengine.pb.RemoteApiPb;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueBulkAddRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueDeleteRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueueStatsRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueuesRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueModifyTaskLeaseRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueuePauseQueueRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueuePurgeQueueRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryAndOwnTasksRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueQueryTasksRequest;
import io.pullqueue.core.QueueException;
import io.pullqueue.service.Failures;
import io.pullqueue.service.QueueService;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers one {@code remote_api.Request} with one {@code remote_api.Response}, never with an exception:
 * <ul>
 * <li>a body that is not a {@code Request}: {@code rpc_error} PARSE_ERROR;</li>
 * <li>a service other than {@code taskqueue} or an unknown method: {@code rpc_error} CALL_NOT_FOUND;</li>
 * <li>a service request that is not the method's message: {@code rpc_error} PARSE_ERROR;</li>
 * <li>a queue error: {@code application_error{code, detail}} (read by the Python and Go runtimes) and
 * {@code java_exception} = a serialized {@code ApiProxy.ApplicationException} (read by the Java SDK);</li>
 * <li>success: {@code response} = the method's response message.</li>
 * </ul>
 * Each {@code rpc_error} also carries the {@code java_exception} Google's server would send for it.
 */
@ApplicationScoped
public class ApiDispatcher {
    private static final Logger LOG = Logger.getLogger(ApiDispatcher.class.getName());
    static final String SERVICE = "taskqueue";

    @Inject
    QueueService service;

    @Inject
    @ConfigProperty(name = "pullqueue.app.id")
    String appId;

    private Map<String, Call> calls;

    @PostConstruct
    void init() {
        AddCalls add = new AddCalls(service, appId);
        LeaseCalls lease = new LeaseCalls(service, appId);
        QueueCalls queue = new QueueCalls(service, appId);
        QueryCalls query = new QueryCalls(service, appId);
        calls = Map.of(
                "Add", b -> add.add(TaskQueueAddRequest.parseFrom(b)),
                "BulkAdd", b -> add.bulkAdd(TaskQueueBulkAddRequest.parseFrom(b)),
                "QueryAndOwnTasks", b -> lease.lease(TaskQueueQueryAndOwnTasksRequest.parseFrom(b)),
                "ModifyTaskLease", b -> lease.modifyLease(TaskQueueModifyTaskLeaseRequest.parseFrom(b)),
                "Delete", b -> lease.delete(TaskQueueDeleteRequest.parseFrom(b)),
                "FetchQueueStats", b -> queue.stats(TaskQueueFetchQueueStatsRequest.parseFrom(b)),
                "PurgeQueue", b -> queue.purge(TaskQueuePurgeQueueRequest.parseFrom(b)),
                "PauseQueue", b -> queue.pause(TaskQueuePauseQueueRequest.parseFrom(b)),
                "FetchQueues", b -> queue.queues(TaskQueueFetchQueuesRequest.parseFrom(b)),
                "QueryTasks", b -> query.query(TaskQueueQueryTasksRequest.parseFrom(b)));
    }

    /** The response to a request envelope's bytes. */
    public RemoteApiPb.Response dispatch(byte[] body) {
        RemoteApiPb.Request request;
        try {
            request = RemoteApiPb.Request.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            return rpcError(
                    RemoteApiPb.RpcError.ErrorCode.PARSE_ERROR,
                    "the body is not a remote_api.Request: " + e.getMessage(),
                    JavaExceptions.argument("remote_api", "Request", e.getMessage()));
        }
        String service = request.getServiceName();
        String method = request.getMethod();
        Call call = SERVICE.equals(service) ? calls.get(method) : null;
        if (call == null) {
            return rpcError(
                    RemoteApiPb.RpcError.ErrorCode.CALL_NOT_FOUND,
                    "no method " + service + "." + method + "; this server offers " + SERVICE + "."
                            + calls.keySet().stream().sorted().toList(),
                    JavaExceptions.callNotFound(service, method));
        }
        return invoke(call, method, request.getRequest());
    }

    /** The API ticket ({@code request_id}) of an envelope, or {@code null} when the body is not one. */
    static String ticket(byte[] body) {
        try {
            RemoteApiPb.Request request = RemoteApiPb.Request.parseFrom(body);
            return request.hasRequestId() ? request.getRequestId() : null;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private static RemoteApiPb.Response invoke(Call call, String method, ByteString request) {
        try {
            return RemoteApiPb.Response.newBuilder()
                    .setResponse(call.invoke(request).toByteString())
                    .build();
        } catch (InvalidProtocolBufferException e) {
            return rpcError(
                    RemoteApiPb.RpcError.ErrorCode.PARSE_ERROR,
                    "the request is not a valid " + SERVICE + "." + method + " request: " + e.getMessage(),
                    JavaExceptions.argument(SERVICE, method, e.getMessage()));
        } catch (RuntimeException e) {
            QueueException q = Failures.translate(e);
            LOG.log(Level.FINE, () -> SERVICE + "." + method + ": " + q.code() + " " + q.getMessage());
            return applicationError(q);
        }
    }

    /** The service's field names as the taskqueue messages call them, where a message starts with one. */
    private static final Map<String, String> FIELDS = Map.of(
            "maxTasks",
            "max_tasks",
            "leaseSeconds",
            "lease_seconds",
            "payload",
            "body",
            "eta",
            "eta_usec",
            "retryLimit",
            "retry_parameters.retry_limit",
            "pageSize",
            "max_rows");

    /** The error's message, in the protocol's words. */
    static String detail(QueueException q) {
        String m = q.getMessage() == null ? q.code().name() : q.getMessage();
        String f = q.field();
        if (f != null && FIELDS.containsKey(f) && m.startsWith(f)) {
            m = FIELDS.get(f) + m.substring(f.length());
        }
        return m.replace("groupByTag", "group_by_tag");
    }

    static RemoteApiPb.Response applicationError(QueueException q) {
        String detail = detail(q);
        return RemoteApiPb.Response.newBuilder()
                .setApplicationError(RemoteApiPb.ApplicationError.newBuilder()
                        .setCode(q.code().number())
                        .setDetail(detail))
                .setJavaException(
                        ByteString.copyFrom(JavaExceptions.application(q.code().number(), detail)))
                .build();
    }

    static RemoteApiPb.Response rpcError(RemoteApiPb.RpcError.ErrorCode code, String detail, byte[] javaException) {
        return RemoteApiPb.Response.newBuilder()
                .setRpcError(RemoteApiPb.RpcError.newBuilder()
                        .setCode(code.getNumber())
                        .setDetail(detail))
                .setJavaException(ByteString.copyFrom(javaException))
                .build();
    }
}
