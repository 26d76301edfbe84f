package io.ev4j.core.sys.linux;

import io.ev4j.core.ErrnoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ErrnoTest {

    @Test
    void namesAndMessages() {
        assertEquals(11, Errno.EAGAIN);
        assertEquals(111, Errno.ECONNREFUSED);
        assertEquals("EAGAIN", Errno.name(11));
        assertEquals("ECONNREFUSED", Errno.name(111));
        assertEquals("Connection refused", Errno.message(111));
        assertEquals("EBADF", Errno.name(9));
        assertEquals("EINPROGRESS", Errno.name(115));
        assertEquals("EPIPE", Errno.name(32));
    }

    @Test
    void unknownNumbersStillHaveText() {
        assertEquals("errno 999", Errno.name(999));
        assertEquals("errno -3", Errno.name(-3));
        assertEquals("Unknown error 999", Errno.message(999));
    }

    @Test
    void atLeastFortyAreNamed() {
        int named = 0;
        for (int e = 1; e < 200; e++) {
            if (!Errno.name(e).startsWith("errno ")) {
                named++;
                assertTrue(Errno.name(e).startsWith("E"), Errno.name(e));
            }
        }
        assertTrue(named >= 40, "only " + named);
    }

    @Test
    void exceptionNamesCallTargetAndErrno() {
        ErrnoException e = Errno.exception("connect", "127.0.0.1:9", Errno.ECONNREFUSED);
        assertEquals("connect", e.call());
        assertEquals(111, e.errno());
        assertEquals("ECONNREFUSED", e.errnoName());
        assertTrue(e.getMessage().contains("connect"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:9"), e.getMessage());
        assertTrue(e.getMessage().contains("ECONNREFUSED"), e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
    }
}
