package it.io.pullqueue.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueuesRequest;
import io.pullqueue.api.appengine.pb.TaskQueuePb.TaskQueueFetchQueuesResponse;
import it.io.pullqueue.Http;
import it.io.pullqueue.security.AuthServer.Who;
import it.io.pullqueue.security.Doors.Door;
import it.io.pullqueue.security.Doors.Op;
import it.io.pullqueue.security.Doors.Outcome;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Who may do what, on every door of a server that asks every caller for a credential: every operation × every
 * kind of caller × both kinds of queue (one without an ACL, one whose {@code acl} lists listed@example.com) ×
 * native, v1beta2, {@code /remote_api} (key in the SACSID cookie) and {@code /rpc_http} (key as the API ticket).
 * The expected outcome is written out here, independently of the server's rule; a refused call must change
 * nothing.
 */
class AccessMatrixIT {
    private static final Set<Op> CONSUME =
            EnumSet.of(Op.LEASE, Op.LEASE_AND_DELETE, Op.MODIFY_LEASE, Op.DELETE, Op.GET, Op.LIST, Op.SEARCH);
    /** Seeing a queue: its statistics and its history. */
    private static final Set<Op> SEE = EnumSet.of(Op.VIEW, Op.HISTORY);

    private static final Set<Op> ADMIN_ONLY = EnumSet.of(Op.PURGE, Op.PAUSE, Op.RESUME, Op.RUN_NOW, Op.CONFIG);
    private static final Map<String, Door> DOORS = Map.of(
            "native",
            Doors.NATIVE,
            "v1beta2",
            Doors.V1BETA2,
            "remote_api",
            Doors.REMOTE_API,
            "rpc_http",
            Doors.RPC_HTTP);

    /** The outcome App Engine's model gives; written as a table, not computed by the server's own rule. */
    static Outcome expected(Who who, Op op, String queue) {
        boolean acl = queue.equals(AuthServer.ACL);
        boolean allowed = switch (who) {
            case NOBODY, UNKNOWN_KEY -> false;
            case ADMIN -> true;
            case CONSUMER -> !acl && (CONSUME.contains(op) || SEE.contains(op));
            case PRODUCER -> !acl && (op == Op.ADD || SEE.contains(op));
            case IN_ACL -> !ADMIN_ONLY.contains(op);
            case NOT_IN_ACL -> !acl && !ADMIN_ONLY.contains(op);
        };
        if (allowed) {
            return Outcome.ALLOWED;
        }
        return who == Who.NOBODY || who == Who.UNKNOWN_KEY ? Outcome.UNAUTHENTICATED : Outcome.DENIED;
    }

    @TestFactory
    Stream<DynamicTest> everyOperationEveryCallerEveryDoor() {
        List<DynamicTest> cells = new ArrayList<>();
        for (String door : List.of("native", "v1beta2", "remote_api", "rpc_http")) {
            for (String queue : List.of(AuthServer.OPEN, AuthServer.ACL)) {
                cells.add(DynamicTest.dynamicTest(
                        door + " " + queue + ": empty it",
                        () -> assertEquals(
                                200,
                                AuthServer.post("/api/v1/queues/" + queue + ":purge", Who.ADMIN, "{}")
                                        .status())));
                for (Who who : Who.values()) {
                    for (Op op : Op.values()) {
                        cells.add(DynamicTest.dynamicTest(
                                door + " " + queue + " " + who + " " + op,
                                () -> cell(DOORS.get(door), op, queue, who)));
                    }
                }
            }
        }
        return cells.stream();
    }

    private static void cell(Door door, Op op, String queue, Who who) {
        Outcome want = expected(who, op, queue);
        String[] task = Doors.needsTask(op) ? AuthServer.leasedTask(queue, Doors.tag()) : null;
        String before = AuthServer.state(queue);
        Outcome got = door.call(op, queue, who, task);
        if (got == null) {
            return; // the door has no such call (v1beta2 has no purge or pause; App Engine has no single get)
        }
        assertEquals(want, got);
        if (got != Outcome.ALLOWED) {
            assertEquals(before, AuthServer.state(queue), "a refused call changed nothing");
        }
    }

    @Test
    void listingsShowOnlyTheQueuesTheCallerMaySee() {
        assertTrue(nativeListing(Who.CONSUMER).contains(AuthServer.OPEN));
        assertFalse(nativeListing(Who.CONSUMER).contains(AuthServer.ACL), "not in its acl: not shown");
        assertFalse(nativeListing(Who.NOT_IN_ACL).contains(AuthServer.ACL));
        assertTrue(nativeListing(Who.IN_ACL).containsAll(List.of(AuthServer.OPEN, AuthServer.ACL)));
        assertTrue(nativeListing(Who.ADMIN).containsAll(List.of(AuthServer.OPEN, AuthServer.ACL, "pull-queue")));

        for (String path : List.of("/rpc_http", "/remote_api")) {
            assertFalse(appEngineListing(path, Who.CONSUMER).contains(AuthServer.ACL), path);
            assertTrue(appEngineListing(path, Who.CONSUMER).contains(AuthServer.OPEN), path);
            assertTrue(appEngineListing(path, Who.IN_ACL).contains(AuthServer.ACL), path);
        }
        assertEquals(401, AuthServer.get("/api/v1/queues", Who.NOBODY).status());
    }

    private static List<String> nativeListing(Who who) {
        Http.Resp r = AuthServer.get("/api/v1/queues", who);
        assertEquals(200, r.status(), r.body());
        return r.json().getJsonArray("queues").stream()
                .map(JsonValue::asJsonObject)
                .map(q -> q.getString("name"))
                .toList();
    }

    private static List<String> appEngineListing(String path, Who who) {
        var r = Doors.send(
                path,
                "FetchQueues",
                TaskQueueFetchQueuesRequest.newBuilder().setMaxRows(1000).build(),
                who);
        assertEquals(200, r.statusCode());
        try {
            return TaskQueueFetchQueuesResponse.parseFrom(Doors.parse(r.body()).getResponse()).getQueueList().stream()
                    .map(q -> q.getQueueName().toStringUtf8())
                    .toList();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aKeyIsAcceptedOnlyWhereItsDoorsClientsSendIt() {
        // The login cookie counts on /remote_api only; elsewhere a cookie is no credential (a browser sends it
        // along with any request, which is what cross-site request forgery abuses).
        Http.Resp cookieOnNative = Http.send(java.net.http.HttpRequest.newBuilder(AuthServer.uri("/api/v1/queues"))
                .header("Cookie", "SACSID=" + Who.ADMIN.key)
                .GET());
        assertEquals(401, cookieOnNative.status());
        assertEquals(200, AuthServer.get("/api/v1/queues", Who.ADMIN).status());
    }
}
