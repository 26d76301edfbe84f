package io.ev4j.bench.compare;

import io.ev4j.bench.load.Shape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/// The whole comparison in one program: echo servers (ev4j on each backend, ev4j's buffered
/// connections on epoll and NIO, the peer on epoll and NIO) under the same load, many idle fds, and timers; a terminal table, a CSV and
/// an SVG chart of the ratios.
///
/// ```
/// mvn -B -ntp -pl bench -am package exec:exec -DskipTests                          # full, < 10 min
/// mvn -B -ntp -pl bench -am package exec:exec -DskipTests -Dcompare.args=--quick   # < 1 min
/// ```
///
/// Options: `--quick`, `--repeats N`, `--impls a,b`, `--shapes 100x1x64,...`, `--warmup-ms`,
/// `--measure-ms`, `--only echo,idle,timers`, `--no-pin`, `--out DIR`; `--chart-from X.csv
/// [subtitle]` only redraws `X.svg` from a results CSV. Results go to
/// `bench/results/<date-time>/` (`results.csv`, `ratios.svg`, `table.txt`); a full run (not
/// `--quick`, not narrowed with `--only`/`--impls`/`--shapes`) also copies them to
/// `docs/bench/latest.csv`, `latest.svg` and `latest.txt`.
public final class CompareMain {
    static final List<String> FULL_SHAPES = List.of("100x1x64", "1x1x64", "10x16x512", "100x4x4K", "1000x1x64");
    static final List<String> QUICK_SHAPES = List.of("100x1x64", "10x16x512");
    static final List<String> FULL_IMPLS = List.of("ev4j-epoll", "ev4j-poll", "ev4j-nio", "ev4j-buffered-epoll",
            "ev4j-buffered-nio", "netty-epoll", "netty-nio");
    /// What `--impls` accepts: the full run's servers and the ones only asked for by name.
    static final List<String> KNOWN_IMPLS = List.of("ev4j-epoll", "ev4j-poll", "ev4j-nio", "ev4j-buffered-epoll",
            "ev4j-buffered-poll", "ev4j-buffered-nio", "netty-epoll", "netty-nio");
    static final List<String> QUICK_IMPLS = List.of("ev4j-epoll", "netty-epoll");

    private CompareMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean narrowed = false;
        Integer repeats = null;
        List<String> impls = null;
        List<String> shapeSpecs = null;
        Long warmupMs = null;
        Long measureMs = null;
        Set<String> only = Set.of("echo", "idle", "timers");
        Path out = null;
        List<String> serverJvmArgs = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--repeats" -> repeats = Integer.parseInt(args[++i]);
                case "--impls" -> { impls = List.of(args[++i].split(",")); narrowed = true; }
                case "--shapes" -> { shapeSpecs = List.of(args[++i].split(",")); narrowed = true; }
                case "--warmup-ms" -> warmupMs = Long.parseLong(args[++i]);
                case "--measure-ms" -> measureMs = Long.parseLong(args[++i]);
                case "--only" -> { only = Set.of(args[++i].split(",")); narrowed = true; }
                case "--no-pin" -> Pinning.disable();
                case "--out" -> out = Path.of(args[++i]);
                case "--server-jvm-arg" -> serverJvmArgs.add(args[++i]);
                case "--chart-from" -> {
                    Path csv = Path.of(args[++i]);
                    Path svg = csv.resolveSibling(csv.getFileName().toString().replaceFirst("\\.csv$", "") + ".svg");
                    SvgChart.write(Results.readCsv(csv), svg, args.length > i + 1 ? args[++i] : csv.toString());
                    System.out.println("wrote " + svg);
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; options: --quick, "
                        + "--repeats N, --impls a,b, --shapes CxPxS,..., --warmup-ms MS, --measure-ms MS, "
                        + "--only echo,idle,timers, --no-pin, --out DIR, --server-jvm-arg ARG (repeatable)");
            }
        }
        if (impls == null) {
            impls = quick ? QUICK_IMPLS : FULL_IMPLS;
        }
        for (String impl : impls) {
            if (!KNOWN_IMPLS.contains(impl)) {
                throw new IllegalArgumentException("unknown impl '" + impl + "'; one of " + KNOWN_IMPLS);
            }
        }
        List<Shape> shapes = new ArrayList<>();
        for (String spec : shapeSpecs != null ? shapeSpecs : quick ? QUICK_SHAPES : FULL_SHAPES) {
            shapes.add(Shape.parse(spec));
        }
        int reps = repeats != null ? repeats : quick ? 1 : 3;
        long warmup = warmupMs != null ? warmupMs : 1000;
        long measure = measureMs != null ? measureMs : quick ? 1500 : 2000;

        Path module = moduleDir();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
        Path dir = out != null ? out : module.resolve("results").resolve(stamp + (quick ? "-quick" : ""));
        Files.createDirectories(dir);
        String machine = Machine.describe();
        String command = "CompareMain " + String.join(" ", args);
        System.out.println("ev4j comparison: " + machine);
        System.out.println("pinning: " + Pinning.describe() + "; repeats " + reps + ", warm-up " + warmup
                + " ms, window " + measure + " ms; results in " + dir);

        long started = System.nanoTime();
        Results results = new Results();
        if (only.contains("echo")) {
            new EchoComparison(impls, shapes, reps, warmup, measure, quick ? 3 : 8, serverJvmArgs).run(results);
        }
        if (only.contains("idle")) {
            new IdleFdsRun(quick, reps).run(results);
        }
        if (only.contains("timers")) {
            new TimerRun(quick, dir).run(results);
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        String table = Report.table(results);
        String header = "ev4j comparison, " + stamp + ": " + machine + "\ncommand: " + command
                + "\npinning: " + Pinning.describe() + "; repeats " + reps + ", warm-up " + warmup + " ms, window "
                + measure + " ms; took " + seconds + " s\n";
        System.out.println(table);
        System.out.println("took " + seconds + " s; results in " + dir);
        results.writeCsv(dir.resolve("results.csv"));
        SvgChart.write(results, dir.resolve("ratios.svg"), stamp + ", " + machine);
        Files.writeString(dir.resolve("table.txt"), header + table, StandardCharsets.UTF_8);
        if (!quick && !narrowed) {
            Path docs = module.getParent().resolve("docs").resolve("bench");
            Files.createDirectories(docs);
            Files.copy(dir.resolve("results.csv"), docs.resolve("latest.csv"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(dir.resolve("ratios.svg"), docs.resolve("latest.svg"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(dir.resolve("table.txt"), docs.resolve("latest.txt"), StandardCopyOption.REPLACE_EXISTING);
            System.out.println("copied to " + docs + "/latest.{csv,svg,txt}");
        }
    }

    /// The bench module's directory: the working directory under `exec:exec`, or its `bench`
    /// child when started from the repository root.
    private static Path moduleDir() {
        Path cwd = Path.of("").toAbsolutePath();
        if (Files.isDirectory(cwd.resolve("src/main/java/io/ev4j/bench"))) {
            return cwd;
        }
        if (Files.isDirectory(cwd.resolve("bench"))) {
            return cwd.resolve("bench");
        }
        return cwd;
    }

    /// Cores, kernel and JDK, for the header of every result.
    static final class Machine {
        private Machine() {
        }

        static String describe() {
            String kernel = read("/proc/sys/kernel/osrelease");
            return Runtime.getRuntime().availableProcessors() + " cores, kernel " + kernel + ", JDK "
                    + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")";
        }

        private static String read(String file) {
            try {
                return Files.readString(Path.of(file)).trim();
            } catch (IOException e) {
                return "?";
            }
        }
    }
}
