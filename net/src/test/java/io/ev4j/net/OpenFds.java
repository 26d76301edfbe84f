package io.ev4j.net;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;

/// This process's open descriptors (`/proc/self/fd`), counted or listed, for tests that must
/// close all.
final class OpenFds {
    private OpenFds() {
    }

    static { // the JDK keeps a descriptor or two from the first use of some channel kinds: used once
             // here, before any count, they are in every count alike
        try {
            Pipe p = Pipe.open();
            p.sink().close();
            p.source().close();
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                     SocketChannel accepted = server.accept()) {
                    assert client.isConnected() && accepted.isConnected();
                }
            }
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static int count() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }

    /// This process's open descriptors and what each refers to (`socket:[...]`, a path, ...).
    static SortedMap<Integer, String> table() {
        SortedMap<Integer, String> table = new TreeMap<>();
        String[] names = new File("/proc/self/fd").list();
        for (String name : names == null ? new String[0] : names) {
            String target;
            try {
                target = Files.readSymbolicLink(Path.of("/proc/self/fd", name)).toString();
            } catch (IOException gone) {
                target = "?";                      // the listing's own descriptor, closed meanwhile
            }
            table.put(Integer.parseInt(name), target);
        }
        return table;
    }

    /// What differs between two [#table()]s, for a failure message.
    static String changes(SortedMap<Integer, String> before, SortedMap<Integer, String> after) {
        StringBuilder b = new StringBuilder();
        before.forEach((fd, target) -> {
            if (!target.equals(after.get(fd))) {
                b.append(" closed ").append(fd).append(" (").append(target).append(')');
            }
        });
        after.forEach((fd, target) -> {
            if (!target.equals(before.get(fd))) {
                b.append(" opened ").append(fd).append(" (").append(target).append(')');
            }
        });
        return b.toString();
    }
}
