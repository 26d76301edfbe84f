package io.ev4j.core.testutil;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/// The loops a test opens, checked and closed after it, and the backends to run tests over.
///
/// ```java
/// @RegisterExtension
/// final LoopFixture loops = new LoopFixture();
///
/// @ParameterizedTest
/// @MethodSource("io.ev4j.core.testutil.LoopFixture#backends")
/// void works(BackendKind kind) {
///     Loop loop = loops.open(kind);
/// }
/// ```
///
/// After each test, every loop it opened or tracked that is still open must hold no active
/// watcher and pass `verify()`; then all of them are closed, the last opened first (an inner
/// loop before the loop it was embedded in), even when a check failed, so that a failing test
/// leaks no descriptor into the next. Register it as a field so that it runs after the test
/// class's own `@AfterEach` methods and before [OpenFdCheck] (extensions on the class come
/// first and so finish last).
public final class LoopFixture implements AfterEachCallback {
    /// `@MethodSource(LoopFixture.BACKENDS)`: [#backends()].
    public static final String BACKENDS = "io.ev4j.core.testutil.LoopFixture#backends";
    /// `@MethodSource(LoopFixture.FD_BACKENDS)`: [#fdBackends()].
    public static final String FD_BACKENDS = "io.ev4j.core.testutil.LoopFixture#fdBackends";

    private final List<Loop> loops = new ArrayList<>();

    /// Every backend available on this machine.
    public static Stream<BackendKind> backends() {
        return Arrays.stream(BackendKind.values()).filter(BackendKind::isAvailable);
    }

    /// The available backends that watch fds (all but `nio`).
    public static Stream<BackendKind> fdBackends() {
        return backends().filter(k -> k != BackendKind.NIO);
    }

    /// A loop on `kind` with the system clocks, checked and closed after the test.
    public Loop open(BackendKind kind) {
        Loop loop = track(Loop.builder().backend(kind).build());
        assertEquals(kind.backendName(), loop.backendName());
        return loop;
    }

    /// Checks and closes `loop` after the test; returns it.
    public Loop track(Loop loop) {
        loops.add(loop);
        return loop;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            for (Loop loop : loops) {
                if (!loop.isClosed()) {
                    assertEquals(0, loop.activeCount(), "watchers left active on " + loop);
                    assertTrue(loop.verify());
                }
            }
        } finally {
            closeAll();
        }
    }

    /// Closes every loop, last first; a loop still embedded (a test failed with its embed
    /// watcher active) refuses, and is closed in a second pass once the outer loop let it go.
    private void closeAll() {
        RuntimeException refused = null;
        for (int pass = 0; pass < 2; pass++) {
            refused = null;
            for (int i = loops.size() - 1; i >= 0; i--) {
                try {
                    loops.get(i).close();
                } catch (RuntimeException e) {
                    refused = e;
                }
            }
        }
        loops.clear();
        if (refused != null) {
            throw refused;
        }
    }
}
