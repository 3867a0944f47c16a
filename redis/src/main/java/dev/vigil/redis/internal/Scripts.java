package dev.vigil.redis.internal;

/**
 * The Lua scripts behind presence entries. Each runs atomically in Redis, so a node's hash, its version and the
 * pub/sub notice of a change can never disagree. Keys: 1 the node key (its entry version, with the node's TTL), 2
 * the node's hash of entries, 3 the set of node ids.
 */
public final class Scripts {
    private Scripts() {
    }

    /**
     * Puts or removes one entry. ARGV: ttl ms, op ('p' or 'd'), field, value, channel, message tail, node id.
     * Returns the new version, or -1 (changing nothing) if the node key is gone: the node's entries expired or Redis
     * lost them, and the caller must restore them all first.
     */
    public static final String CHANGE = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if ARGV[2] == 'p' then redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
            else redis.call('HDEL', KEYS[2], ARGV[3]) end
            local v = redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            redis.call('SADD', KEYS[3], ARGV[7])
            redis.call('PUBLISH', ARGV[5], v .. ' ' .. ARGV[6])
            return v
            """;

    /**
     * Writes every entry of the node afresh. ARGV: ttl ms, node id, channel, message tail, then field, value pairs.
     * Returns the new version.
     */
    public static final String RESTORE = """
            redis.call('DEL', KEYS[2])
            for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
            local v = redis.call('INCR', KEYS[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            redis.call('SADD', KEYS[3], ARGV[2])
            redis.call('PUBLISH', ARGV[3], v .. ' ' .. ARGV[4])
            return v
            """;

    /** Extends the node's TTL. ARGV: ttl ms, node id. Returns 0 if the node key was gone (restore), else 1. */
    public static final String REFRESH = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            redis.call('SADD', KEYS[3], ARGV[2])
            return 1
            """;

    /** Reads a node's version and entries together: {version or false, {field, value, ...}}. */
    public static final String FETCH = """
            return {redis.call('GET', KEYS[1]), redis.call('HGETALL', KEYS[2])}
            """;

    /** Forgets a node whose key has expired. ARGV: node id. Returns 1 if it was gone, 0 if it came back. */
    public static final String FORGET = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('DEL', KEYS[2])
            redis.call('SREM', KEYS[3], ARGV[1])
            return 1
            """;

    /** Leaves: ARGV node id, channel, message. */
    public static final String LEAVE = """
            redis.call('DEL', KEYS[1])
            redis.call('DEL', KEYS[2])
            redis.call('SREM', KEYS[3], ARGV[1])
            redis.call('PUBLISH', ARGV[2], ARGV[3])
            return 1
            """;
}
