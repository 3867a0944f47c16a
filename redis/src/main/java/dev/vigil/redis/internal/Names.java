package dev.vigil.redis.internal;

/**
 * The Redis keys and channels of one namespace. Node ids and topics go into names as they are.
 *
 * @param namespace the prefix of every key and channel
 */
public record Names(String namespace) {
    /** {@return the key that holds a node's entry version, with the node's TTL} */
    public String nodeKey(String node) {
        return namespace + ":node:" + node;
    }

    /** {@return the hash of a node's presence entries} */
    public String entriesKey(String node) {
        return namespace + ":entries:" + node;
    }

    /** {@return the set of node ids} */
    public String nodesKey() {
        return namespace + ":nodes";
    }

    /** {@return the channel of presence changes} */
    public String presenceChannel() {
        return namespace + ":presence";
    }

    /** {@return the channel of a topic, for every node} */
    public String topicChannel(String topic) {
        return namespace + ":topic:" + topic;
    }

    /** {@return the channel of a topic, for one node} */
    public String nodeChannel(String node, String topic) {
        return namespace + ":to:" + node + ":" + topic;
    }

    /** {@return the three keys every presence script takes} */
    public String[] scriptKeys(String node) {
        return new String[]{nodeKey(node), entriesKey(node), nodesKey()};
    }
}
