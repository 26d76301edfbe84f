package io.ev4j.core;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/// The process-wide side of [SignalWatcher]: which loops watch which signal, and the JVM
/// signal handler that serves them.
///
/// ## How a signal reaches a loop
/// The JVM catches the signal itself (its native handler only records it) and its signal
/// dispatcher runs the handler installed here through `sun.misc.Signal` on a Java thread.
/// That handler, one per signal, walks an array of interested loops and, for each, counts the
/// delivery and requests a wake-up through the loop's cross-thread wake-up path (the one
/// [AsyncWatcher#send()] uses). It allocates nothing and takes no lock. The callbacks run
/// later, on each loop's thread.
///
/// No native handler is installed by ev4j: code that runs in a signal handler may only make
/// async-signal-safe calls, and an upcall into the JVM is not one.
///
/// ## Installing and restoring
/// The first loop to watch a signal installs the handler and keeps the one it replaced (the
/// JVM's shutdown-hook handler for `SIGINT`/`SIGTERM`/`SIGHUP`, a user's, or the default);
/// when the last watcher of that signal stops, on any loop, the replaced one is put back.
/// Changes are serialised by this class's lock; deliveries read a volatile array.
final class SignalRegistry {
    /// Highest signal number with a name on Linux (`SIGSYS`); real-time signals have none the
    /// JVM knows.
    static final int MAX_SIGNAL = 31;

    /// Names (without `SIG`) the JVM may know, to map numbers back to names.
    private static final String[] NAMES = {"HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
        "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP",
        "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS", "EMT", "INFO"};

    private static final Entry[] ENTRIES = new Entry[MAX_SIGNAL + 1];
    private static final LoopSignals.Slot[] NONE = {};

    private SignalRegistry() {
    }

    /// The number of the signal called `name` (`INT`, `SIGINT`, any case).
    ///
    /// @throws IllegalArgumentException no such signal here, or one that cannot be watched
    static int number(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        n = n.startsWith("SIG") ? n.substring(3) : n;
        int number;
        try {
            number = new Signal(n).getNumber();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no signal named '" + name + "' on this system", e);
        }
        return checkWatchable(number);
    }

    /// `number` itself, checked.
    ///
    /// @throws IllegalArgumentException no such signal here, or one that cannot be watched
    static int checkWatchable(int number) {
        String name = nameOrNull(number);
        if (name == null) {
            throw new IllegalArgumentException("no signal numbered " + number
                    + " that the JVM can handle (1 to " + MAX_SIGNAL + ", with a name)");
        }
        String why = switch (name) {
            case "SIGKILL", "SIGSTOP" -> "no process can catch it";
            case "SIGSEGV", "SIGBUS", "SIGFPE", "SIGILL" ->
                    "the JVM handles it itself (null checks, arithmetic and mapped-file faults, crash reports)";
            case "SIGQUIT" -> "the JVM prints a thread dump on it";
            case "SIGUSR2" -> "the JVM's own native handler uses it to suspend and resume threads";
            case "SIGPIPE", "SIGXFSZ" ->
                    "the JVM's own native handler keeps it from killing the process, so writes fail with an IOException";
            default -> null;
        };
        if (why != null) {
            throw new IllegalArgumentException("cannot watch " + name + " (" + number + "): " + why);
        }
        return number;
    }

    /// `SIGINT` for 2, or null if the JVM knows no signal with that number.
    static String nameOrNull(int number) {
        if (number < 1 || number > MAX_SIGNAL) {
            return null;
        }
        for (String n : NAMES) {
            try {
                if (new Signal(n).getNumber() == number) {
                    return "SIG" + n;
                }
            } catch (IllegalArgumentException unknownHere) {
                // not a signal on this system
            }
        }
        return null;
    }

    /// Adds a loop's slot to its signal, installing the handler if it is the first.
    ///
    /// @throws IllegalArgumentException the JVM refuses to hand the signal out
    static synchronized void add(LoopSignals.Slot slot) {
        int number = slot.signal;
        Entry e = ENTRIES[number];
        if (e == null) {
            e = ENTRIES[number] = new Entry(number);
        }
        if (e.slots.length == 0) {
            e.install();
        }
        LoopSignals.Slot[] grown = Arrays.copyOf(e.slots, e.slots.length + 1);
        grown[grown.length - 1] = slot;
        e.slots = grown;
    }

    /// Removes a loop's slot; restores the replaced handler if it was the last.
    static synchronized void remove(LoopSignals.Slot slot) {
        Entry e = ENTRIES[slot.signal];
        LoopSignals.Slot[] old = e.slots;
        int at = Arrays.asList(old).indexOf(slot);
        if (at < 0) {
            return;
        }
        LoopSignals.Slot[] shrunk = new LoopSignals.Slot[old.length - 1];
        System.arraycopy(old, 0, shrunk, 0, at);
        System.arraycopy(old, at + 1, shrunk, at, old.length - at - 1);
        e.slots = shrunk.length == 0 ? NONE : shrunk;
        if (shrunk.length == 0) {
            e.restore();
        }
    }

    /// How many loops watch `number` now (for tests).
    static synchronized int loopsWatching(int number) {
        Entry e = ENTRIES[number];
        return e == null ? 0 : e.slots.length;
    }

    private static IllegalArgumentException ignoredFromTheStart(String name) {
        return new IllegalArgumentException("cannot watch " + name + ": this process was started with it "
                + "ignored (in the background, or under nohup), and the JVM keeps it ignored");
    }

    /// True if `/proc/self/status` says the signal is ignored; false where there is no such file.
    private static boolean ignoredByThisProcess(int number) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (number - 1))) != 0;
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall back to what the JVM answers when the handler is installed
        }
        return false;
    }

    /// One signal's JVM handler and the loops it serves.
    private static final class Entry implements SignalHandler {
        private final Signal signal;
        private volatile LoopSignals.Slot[] slots = NONE;
        private SignalHandler replaced;

        Entry(int number) {
            this.signal = new Signal(nameOrNull(number).substring(3));
        }

        /// Any thread (the JVM's signal dispatch threads): count and wake, nothing else.
        @Override
        public void handle(Signal sig) {
            for (LoopSignals.Slot slot : slots) {
                slot.deliver();
            }
        }

        void install() {
            String name = "SIG" + signal.getName();
            boolean shutdownSignal = name.equals("SIGINT") || name.equals("SIGTERM") || name.equals("SIGHUP");
            if (shutdownSignal && ignoredByThisProcess(signal.getNumber())) {
                throw ignoredFromTheStart(name);            // checked first: trying would lose the JVM's handler
            }
            SignalHandler previous;
            try {
                previous = Signal.handle(signal, this);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot watch " + name + " (" + signal.getNumber()
                        + "): the JVM refuses to hand it out (" + e.getMessage() + ")", e);
            }
            if (shutdownSignal && previous == SignalHandler.SIG_IGN) {
                Signal.handle(signal, previous);
                throw ignoredFromTheStart(name);
            }
            replaced = previous;
        }

        void restore() {
            Signal.handle(signal, replaced);
            replaced = null;
        }
    }
}
