package io.ev4j.core;

/// How a process ended, as a [ChildWatcher] reports it.
///
/// ```java
/// ChildStatus s = watcher.status();
/// switch (s.kind()) {
///     case EXITED -> System.out.println(s.pid() + " exited with " + s.exitCode());
///     case KILLED, DUMPED -> System.out.println(s.pid() + " killed by signal " + s.terminatingSignal());
///     case UNKNOWN -> System.out.println(s.pid() + " is gone; its status went to its own parent");
/// }
/// ```
///
/// @param pid the process
/// @param kind how it ended
/// @param exitCode its exit code (0 to 255) if [Kind#EXITED], else -1
/// @param terminatingSignal the signal that ended it if [Kind#KILLED] or [Kind#DUMPED], else 0
public record ChildStatus(long pid, Kind kind, int exitCode, int terminatingSignal) {

    /// How a process ended.
    public enum Kind {
        /// It called `exit` (or returned from `main`): see [#exitCode()].
        EXITED,
        /// A signal ended it: see [#terminatingSignal()].
        KILLED,
        /// A signal ended it and it dumped core.
        DUMPED,
        /// It is gone, but its status could not be read: it was not this process's child (its
        /// parent took the status), or the status was already consumed.
        UNKNOWN
    }

    /// Checks the fields agree.
    public ChildStatus {
        if (kind == null) {
            throw new IllegalArgumentException("kind is null");
        }
        boolean signalled = kind == Kind.KILLED || kind == Kind.DUMPED;
        if ((kind == Kind.EXITED) != (exitCode >= 0) || exitCode > 255
                || signalled != (terminatingSignal > 0)) {
            throw new IllegalArgumentException("inconsistent status: " + kind + ", exit code " + exitCode
                    + ", signal " + terminatingSignal);
        }
    }

    static ChildStatus exited(long pid, int code) {
        return new ChildStatus(pid, Kind.EXITED, code, 0);
    }

    static ChildStatus killed(long pid, int signal, boolean dumped) {
        return new ChildStatus(pid, dumped ? Kind.DUMPED : Kind.KILLED, -1, signal);
    }

    static ChildStatus unknown(long pid) {
        return new ChildStatus(pid, Kind.UNKNOWN, -1, 0);
    }

    /// From a value [Process#exitValue()] returned: the JDK reports a death by signal `n` as
    /// `128 + n`, as shells do, so such values are read back as [Kind#KILLED].
    static ChildStatus fromExitValue(long pid, int value) {
        return value > 128 && value < 128 + 65 ? killed(pid, value - 128, false) : exited(pid, value & 0xff);
    }

    /// True unless [Kind#UNKNOWN].
    public boolean isKnown() {
        return kind != Kind.UNKNOWN;
    }
}
