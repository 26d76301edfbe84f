package io.ev4j.core.sys.linux;

import java.lang.reflect.Method;
import java.time.Duration;

/// Bytes the current thread has allocated so far, through the JDK's thread management bean.
///
/// Reached by reflection: the test sources are compiled into the core module, which does not
/// read `java.management`; the tests themselves run on the class path, where it is readable.
public final class AllocatedBytes {
    private static final Object BEAN;
    private static final Method CURRENT;

    static {
        try {
            BEAN = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean").invoke(null);
            CURRENT = Class.forName("com.sun.management.ThreadMXBean")
                    .getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private AllocatedBytes() {
    }

    /// An action measured by [#steadyState].
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /// Runs `action` in rounds of `perRound` calls until a round allocates less than 1 KiB in
    /// all, or until `budget` has passed (at least one round runs), and returns the least any
    /// round allocated. Allocation-free code reaches a few bytes (the counter's own boxing) once
    /// compiled; how soon depends on the JIT, hence rounds until a deadline rather than a fixed
    /// warm-up or a fixed number of rounds: on a loaded machine the compiler threads get little
    /// CPU, and the rounds run slower too.
    ///
    /// Every downcall that captures errno makes a 40-byte slice of the capture segment inside
    /// the JDK's own linkage; only a compilation that inlines the whole downcall removes it.
    /// Before that, each downcall shows up as 40 bytes per call.
    public static long steadyState(Duration budget, int perRound, Action action) throws Exception {
        long least = Long.MAX_VALUE;
        long deadlineNs = System.nanoTime() + budget.toNanos();
        do {
            long before = now();
            for (int i = 0; i < perRound; i++) {
                action.run();
            }
            least = Math.min(least, now() - before);
        } while (least >= 1024 && System.nanoTime() - deadlineNs < 0);
        return least;
    }

    /// The current thread's allocation counter (a boxed result costs a few bytes itself).
    public static long now() {
        try {
            return (Long) CURRENT.invoke(BEAN);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
