package io.ev4j.bench.compare;

import java.util.ArrayList;
import java.util.List;

/// The many-idle-fds part: [io.ev4j.bench.idle.IdleFdsMain] in a child JVM pinned to the
/// server CPU, started through `sh -c 'ulimit -n "$(ulimit -Hn)"; exec ...'` so that its soft fd
/// limit is the hard one, its lines read back into the results.
///
/// ```java
/// new IdleFdsRun(false, 3).run(results);
/// ```
///
/// `poll` hands the kernel every watched fd on every iteration, so its time grows with the
/// idle count; `epoll` and `nio` (epoll underneath) should stay flat.
final class IdleFdsRun {
    static final String SECTION = "idle-fds";

    private final boolean quick;
    private final int rounds;

    IdleFdsRun(boolean quick, int rounds) {
        this.quick = quick;
        this.rounds = Math.max(1, rounds);
    }

    void run(Results out) throws InterruptedException, java.io.IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c",
                "ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$0\" \"$@\""));
        command.addAll(Child.java(Pinning.SERVER_CPU, List.of("-Xms256m", "-Xmx256m"),
                "io.ev4j.bench.idle.IdleFdsMain",
                "--backends", quick ? "epoll,poll" : "epoll,poll,nio",
                "--sizes", quick ? "100,1000" : "100,1000,10000,100000",
                "--rounds", Integer.toString(rounds),
                "--round-ms", quick ? "200" : "300"));
        System.out.println("idle fds: 10 active per iteration, the rest idle");
        try (Child child = Child.start("idle-fds", command)) {
            for (String line : child.readAll(300_000)) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "idle" -> {
                        String workload = f[2] + " pairs";
                        out.add(new Results.Key(SECTION, workload, "ev4j-" + f[1], "us_per_iteration", "us"),
                                Double.parseDouble(f[3]));
                        out.add(new Results.Key(SECTION, workload, "ev4j-" + f[1], "loop_us_per_iteration", "us"),
                                Double.parseDouble(f[4]));
                        System.out.println("  " + line);
                    }
                    case "skip" -> {
                        out.note("idle fds: skipped " + line.substring(5));
                        System.out.println("  " + line);
                    }
                    default -> System.out.println("  " + line);
                }
            }
        }
        out.note("idle fds: poll passes every watched fd to the kernel on each iteration, so its time is "
                + "expected to grow with the idle count; epoll and nio should stay flat (O(active)).");
        out.note("idle fds: the peer's epoll transport is not measured here (it has no raw fd watcher to "
                + "drive the same way).");
    }
}
