package io.ev4j.examples.child;

import io.ev4j.core.ChildWatcher;
import io.ev4j.core.Loop;
import io.ev4j.examples.Example;

import java.io.IOException;

/// Starts a shell command and prints how it ended, from a [ChildWatcher] callback on the loop
/// thread; the JDK's `Process` still has the status afterwards.
///
/// ```sh
/// java -jar ev4j-examples.jar child-test 'sleep 0.2; exit 3'
/// ```
public final class ChildTest {
    private ChildTest() {
    }

    public static int run(Example example) throws IOException, InterruptedException {
        String command = example.arg(0, "sleep 0.2; exit 3");
        Process process = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        try (Loop loop = example.newLoop()) {
            new ChildWatcher(loop, process, (w, events) ->
                    System.out.println("child " + w.pid() + " ended: " + w.status())).start();
            loop.run();
        }
        System.out.println("Process.waitFor() still says " + process.waitFor());
        return 0;
    }
}
