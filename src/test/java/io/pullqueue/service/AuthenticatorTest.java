package io.pullqueue.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pullqueue.service.Authenticator.Mode;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {

    @Test
    void loopbackWithoutCredentialsLetsLocalCallersInAndEverythingElseAsksForOne() {
        assertEquals(Mode.LOOPBACK, Authenticator.resolve("auto", "localhost", false));
        assertEquals(Mode.LOOPBACK, Authenticator.resolve("auto", "127.0.0.1", false));
        assertEquals(Mode.LOOPBACK, Authenticator.resolve("auto", "::1", false));
        assertEquals(Mode.REQUIRED, Authenticator.resolve("auto", "*", false), "HTTP_HOST=* as in the Dockerfile");
        assertEquals(Mode.REQUIRED, Authenticator.resolve("auto", "0.0.0.0", false));
        assertEquals(Mode.REQUIRED, Authenticator.resolve("auto", "localhost", true), "keys configured");
        assertEquals(Mode.REQUIRED, Authenticator.resolve("required", "localhost", false));
        assertEquals(Mode.NONE, Authenticator.resolve("NONE", "*", true));
        assertEquals(Mode.REQUIRED, Authenticator.resolve("off", "localhost", false), "unknown: fail closed");
    }

    @Test
    void onlyLoopbackAddressesAreLocal() {
        assertEquals(true, Authenticator.isLoopback("127.0.0.1"));
        assertEquals(true, Authenticator.isLoopback("0:0:0:0:0:0:0:1"));
        assertEquals(false, Authenticator.isLoopback("10.0.0.1"));
        assertEquals(false, Authenticator.isLoopback("::ffff:10.0.0.1"));
    }
}
