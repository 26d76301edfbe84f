package io.ev4j.net;

import io.ev4j.core.Loop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/// [HostResolver#system()]: blocking platform lookups on up to [#THREADS] daemon threads,
/// answered through [Loop#execute]. A thread that has nothing to do for [#IDLE_SECONDS] ends.
final class SystemHostResolver implements HostResolver {
    static final SystemHostResolver INSTANCE = new SystemHostResolver();
    static final int THREADS = 4;
    static final int IDLE_SECONDS = 10;

    private final ThreadPoolExecutor lookups;

    private SystemHostResolver() {
        AtomicInteger made = new AtomicInteger();
        lookups = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                work -> {
                    Thread t = new Thread(work, "ev4j-host-resolver-" + made.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        lookups.allowCoreThreadTimeOut(true);
    }

    @Override
    public Lookup resolve(Loop loop, String host, Callback done) {
        PendingLookup lookup = new PendingLookup(loop, host, done);
        loop.ref();                                 // an outstanding lookup keeps run() going
        lookups.execute(lookup::runOffLoop);
        return lookup;
    }

    /// One lookup: asked on a resolver thread, answered on the loop thread.
    private static final class PendingLookup implements Lookup {
        private final Loop loop;
        private final String host;
        private final Callback done;
        /// Loop thread only.
        private boolean finished;

        PendingLookup(Loop loop, String host, Callback done) {
            this.loop = loop;
            this.host = host;
            this.done = done;
        }

        void runOffLoop() {
            List<InetAddress> addresses;
            IOException error;
            try {
                addresses = List.of(InetAddress.getAllByName(host));
                error = addresses.isEmpty() ? new UnknownHostException(host + ": no address") : null;
            } catch (UnknownHostException e) {
                addresses = List.of();
                error = e;
            } catch (RuntimeException e) {
                addresses = List.of();
                error = new IOException("looking up " + host + " failed: " + e, e);
            }
            List<InetAddress> answer = error == null ? addresses : List.of();
            IOException failure = error;
            try {
                loop.execute(() -> answer(answer, failure));
            } catch (RejectedExecutionException closed) {
                // the loop closed meanwhile: nobody waits for the answer
            }
        }

        private void answer(List<InetAddress> addresses, IOException error) {
            if (finished) {
                return;
            }
            finished = true;
            loop.unref();
            done.resolved(addresses, error);
        }

        @Override
        public void cancel() {
            if (!finished) {
                finished = true;
                loop.unref();
            }
        }
    }
}
