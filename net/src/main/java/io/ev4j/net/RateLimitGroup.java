package io.ev4j.net;

import io.ev4j.core.Loop;

import java.util.Arrays;
import java.util.Objects;

/// One read and one write budget shared by several [BufferedConnection]s, fairly: a member
/// takes at most its share (the tokens at the last tick divided among the members, at least
/// [#minShareBytes()]) per read or write, so that every busy member gets a turn before one
/// member can spend the rest.
///
/// ```java
/// RateLimitGroup group = new RateLimitGroup(loop, RateLimit.perTick(1 << 20, 1 << 20, Duration.ofSeconds(1)));
/// group.add(connection);                   // all members together: about 1 MiB/s each way
/// ```
///
/// A member may also have its own [BufferedConnection#setRateLimit]; the lower budget wins.
/// When the group's tokens run out every member stops reading (or writing) until the next tick.
/// Closing a member removes it. [#close()] removes all members and stops the tick timer.
/// Loop thread only.
public final class RateLimitGroup implements AutoCloseable {
    /// Default [#minShareBytes()].
    public static final long DEFAULT_MIN_SHARE_BYTES = 64;

    private final TokenBucket bucket;
    private BufferedConnection[] members = new BufferedConnection[4];
    private int memberCount;
    private long minShareBytes = DEFAULT_MIN_SHARE_BYTES;
    private long readShare;
    private long writeShare;
    private boolean closed;

    /// An empty group on `loop` with the budget of `limit`, full.
    public RateLimitGroup(Loop loop, RateLimit limit) {
        Objects.requireNonNull(loop, "loop");
        this.bucket = new TokenBucket(loop, Objects.requireNonNull(limit, "limit"), this::refilled);
        shareOut();
    }

    /// The budget's settings.
    public RateLimit limit() {
        return bucket.limit();
    }

    /// The smallest amount a member may take at once, so that a large group does not shrink
    /// transfers to a few bytes.
    public long minShareBytes() {
        return minShareBytes;
    }

    /// Sets [#minShareBytes()].
    public void setMinShareBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("min share must be >= 1 byte, got " + bytes);
        }
        this.minShareBytes = bytes;
        shareOut();
    }

    /// Members now.
    public int memberCount() {
        return memberCount;
    }

    /// Read tokens left.
    public long readTokens() {
        return bucket.readTokens;
    }

    /// Write tokens left.
    public long writeTokens() {
        return bucket.writeTokens;
    }

    /// Adds `connection`, taking it out of the group it was in.
    ///
    /// @throws IllegalArgumentException it is closed or runs on another loop
    /// @throws IllegalStateException    this group is closed
    public void add(BufferedConnection connection) {
        if (closed) {
            throw new IllegalStateException("rate limit group is closed");
        }
        if (connection.isClosed()) {
            throw new IllegalArgumentException("cannot add a closed connection to a rate limit group");
        }
        if (connection.group == this) {
            return;
        }
        if (connection.group != null) {
            connection.group.remove(connection);
        }
        if (memberCount == members.length) {
            members = Arrays.copyOf(members, memberCount * 2);
        }
        members[memberCount++] = connection;
        connection.group = this;
        shareOut();
        if (bucket.readTokens <= 0) {
            connection.suspendRead |= BufferedConnection.SUSPEND_GROUP;
        }
        if (bucket.writeTokens <= 0) {
            connection.suspendWrite |= BufferedConnection.SUSPEND_GROUP;
        }
        connection.updateInterest();
    }

    /// Removes `connection`; false if it was not a member.
    public boolean remove(BufferedConnection connection) {
        for (int i = 0; i < memberCount; i++) {
            if (members[i] == connection) {
                System.arraycopy(members, i + 1, members, i, memberCount - i - 1);
                members[--memberCount] = null;
                connection.group = null;
                connection.suspendRead &= ~BufferedConnection.SUSPEND_GROUP;
                connection.suspendWrite &= ~BufferedConnection.SUSPEND_GROUP;
                if (!connection.isClosed()) {
                    connection.kick();
                }
                shareOut();
                return true;
            }
        }
        return false;
    }

    long readAllowance() {
        return bucket.readTokens <= 0 ? 0 : Math.min(bucket.readTokens, readShare);
    }

    long writeAllowance() {
        return bucket.writeTokens <= 0 ? 0 : Math.min(bucket.writeTokens, writeShare);
    }

    void consumedRead(long n) {
        bucket.consumeRead(n);
        if (bucket.readTokens <= 0) {
            for (int i = 0; i < memberCount; i++) {
                members[i].suspendRead |= BufferedConnection.SUSPEND_GROUP;
                members[i].updateInterest();
            }
        }
    }

    void consumedWrite(long n) {
        bucket.consumeWrite(n);
        if (bucket.writeTokens <= 0) {
            for (int i = 0; i < memberCount; i++) {
                members[i].suspendWrite |= BufferedConnection.SUSPEND_GROUP;
                members[i].updateInterest();
            }
        }
    }

    private void shareOut() {
        int n = Math.max(1, memberCount);
        readShare = Math.max(minShareBytes, bucket.readTokens / n);
        writeShare = Math.max(minShareBytes, bucket.writeTokens / n);
    }

    private void refilled() {
        shareOut();
        for (int i = 0; i < memberCount; i++) {
            BufferedConnection c = members[i];
            c.suspendRead &= ~BufferedConnection.SUSPEND_GROUP;
            c.suspendWrite &= ~BufferedConnection.SUSPEND_GROUP;
            c.kick();
        }
    }

    /// Removes every member (they run unlimited by the group again) and stops the tick timer.
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (memberCount > 0) {
            remove(members[memberCount - 1]);
        }
        bucket.close();
    }
}
