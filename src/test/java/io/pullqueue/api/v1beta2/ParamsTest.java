package io.pullqueue.api.v1beta2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pullqueue.core.ErrorCode;
import io.pullqueue.core.QueueException;
import org.junit.jupiter.api.Test;

class ParamsTest {

    @Test
    void theProjectIsTheAppIdWithAnOptionalPartition() {
        for (String p : new String[] {"myapp", "s~myapp", "e~myapp", "dev~myapp", "MyApp"}) {
            assertTrue(Params.isProject(p, "myapp"), p);
        }
        for (String p :
                new String[] {"other", "s~other", "myapp2", "~myapp", "S~myapp", "s~e~myapp", "s-myapp", "1~myapp", ""
                }) {
            assertFalse(Params.isProject(p, "myapp"), p);
        }
    }

    private static QueueException bad(Runnable r) {
        QueueException e = assertThrows(QueueException.class, r::run);
        assertEquals(ErrorCode.INVALID_REQUEST, e.code());
        return e;
    }

    @Test
    void integersAreRequiredParsedAndInRange() {
        assertEquals(0, Params.requiredInt("0", "leaseSecs", 0, 604_800));
        assertEquals(604_800, Params.requiredInt("604800", "leaseSecs", 0, 604_800));
        assertEquals(
                "leaseSecs",
                bad(() -> Params.requiredInt("604801", "leaseSecs", 0, 604_800)).field());
        assertEquals(
                "numTasks",
                bad(() -> Params.requiredInt(null, "numTasks", 1, 1000)).field());
        assertEquals(
                "numTasks",
                bad(() -> Params.requiredInt("", "numTasks", 1, 1000)).field());
        assertEquals(
                "numTasks",
                bad(() -> Params.requiredInt("0", "numTasks", 1, 1000)).field());
        assertEquals(
                "numTasks",
                bad(() -> Params.requiredInt("99999999999999999999", "numTasks", 1, 1000))
                        .field());
        assertEquals(
                "numTasks",
                bad(() -> Params.requiredInt("1.5", "numTasks", 1, 1000)).field());
        assertTrue(bad(() -> Params.requiredInt("2000", "numTasks", 1, 1000))
                .getMessage()
                .contains("1 and 1000"));
    }

    @Test
    void booleansAreTrueFalseOrAbsent() {
        assertTrue(Params.bool("true", "groupByTag"));
        assertTrue(Params.bool("TRUE", "groupByTag"));
        assertFalse(Params.bool("false", "groupByTag"));
        assertFalse(Params.bool(null, "groupByTag"));
        assertFalse(Params.bool("", "groupByTag"));
        assertEquals("groupByTag", bad(() -> Params.bool("1", "groupByTag")).field());
    }
}
