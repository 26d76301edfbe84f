package io.ev4j.examples;

import io.ev4j.core.BackendKind;

import java.util.Arrays;
import java.util.stream.Stream;

/// The backends available on this machine, as a JUnit argument source.
public final class Backends {
    private Backends() {
    }

    public static Stream<BackendKind> available() {
        return Arrays.stream(BackendKind.values()).filter(BackendKind::isAvailable);
    }
}
