package io.ev4j.examples;

import io.ev4j.core.BackendKind;
import io.ev4j.core.Loop;

import java.util.ArrayList;
import java.util.List;

/// What every example gets from the command line: `--backend <name>` and its positional
/// arguments.
public record Example(BackendKind backend, List<String> args) {

    /// Splits `--backend <name>` (or `--backend=<name>`) off the arguments.
    ///
    /// @throws IllegalArgumentException an unknown backend name, or `--backend` without one
    public static Example parse(String[] argv) {
        BackendKind backend = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.equals("--backend")) {
                if (i + 1 == argv.length) {
                    throw new IllegalArgumentException("--backend needs a name: epoll, poll or nio");
                }
                backend = BackendKind.named(argv[++i]);
            } else if (a.startsWith("--backend=")) {
                backend = BackendKind.named(a.substring("--backend=".length()));
            } else {
                rest.add(a);
            }
        }
        return new Example(backend, List.copyOf(rest));
    }

    /// A loop on the chosen backend, or on the default one.
    public Loop newLoop() {
        Loop.Builder builder = Loop.builder();
        if (backend != null) {
            builder.backend(backend);
        }
        return builder.build();
    }

    /// Positional argument `index` as a port, or `fallback` when absent.
    public int port(int index, int fallback) {
        if (args.size() <= index) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(args.get(index));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number (0-65535): " + args.get(index));
        }
    }

    /// Positional argument `index`, or `fallback` when absent.
    public String arg(int index, String fallback) {
        return args.size() > index ? args.get(index) : fallback;
    }
}
