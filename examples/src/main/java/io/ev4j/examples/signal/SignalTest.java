package io.ev4j.examples.signal;

import io.ev4j.core.Loop;
import io.ev4j.core.SignalWatcher;
import io.ev4j.examples.Example;

import java.io.PrintStream;

/// Prints a line on each `SIGINT` (Ctrl-C); the second one ends the program with exit code 0.
///
/// ```java
/// SignalWatcher w = SignalTest.start(loop, System.out);
/// loop.run();                       // returns after the second SIGINT
/// ```
///
/// While the watcher is active the JVM's own `SIGINT` handler (which would exit at once) does
/// not run; when the watcher stops, it is back.
public final class SignalTest {
    private SignalTest() {
    }

    /// Watches `SIGINT` on `loop`, printing to `out`; stops itself on the second one.
    public static SignalWatcher start(Loop loop, PrintStream out) {
        int[] seen = new int[1];
        SignalWatcher w = new SignalWatcher(loop, "INT", (watcher, events) -> {
            seen[0]++;
            if (seen[0] == 1) {
                out.println("SIGINT 1: press Ctrl-C again to exit");
            } else {
                out.println("SIGINT 2: exiting");
                watcher.stop();               // nothing else is active: run() returns
            }
        });
        w.start();
        return w;
    }

    public static int run(Example example) {
        try (Loop loop = example.newLoop()) {
            start(loop, System.out);
            System.out.println("ready: pid " + ProcessHandle.current().pid() + " on " + loop.backendName()
                    + "; press Ctrl-C twice");
            loop.run();
        }
        return 0;
    }
}
