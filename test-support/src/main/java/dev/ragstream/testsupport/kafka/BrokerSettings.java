package dev.ragstream.testsupport.kafka;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import kafka.server.KafkaConfig;

/** The configuration of a one-node KRaft cluster: every replication factor and minimum ISR is 1. */
final class BrokerSettings {

    static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final int DEFAULT_PARTITIONS = 4;

    private BrokerSettings() {
    }

    static KafkaConfig of(Path dataDir, int brokerPort, int controllerPort) {
        // string values: ConfigDef parses them into each setting's own type (some are shorts)
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        // a static voter set (kraft.version 0) lets a restart pick a new controller port on the same data dir
        props.put("controller.quorum.voters", NODE_ID + "@" + FreePorts.HOST + ":" + controllerPort);
        props.put("listeners", BROKER_LISTENER + "://" + FreePorts.HOST + ":" + brokerPort
                + "," + CONTROLLER_LISTENER + "://" + FreePorts.HOST + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + FreePorts.HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", dataDir.toAbsolutePath().toString());

        props.put("num.partitions", String.valueOf(DEFAULT_PARTITIONS));
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("auto.create.topics.enable", "false");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "10");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "10");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");

        props.put("log.segment.bytes", "16777216"); // 16 MiB instead of 1 GiB
        props.put("log.index.size.max.bytes", "1048576"); // 1 MiB
        // the cleaner only compacts the internal offsets topic here; its 128 MiB default buffer would sit in the test heap
        props.put("log.cleaner.dedupe.buffer.size", "16777216");
        props.put("num.io.threads", "4");
        props.put("num.network.threads", "2");
        return new KafkaConfig(props, false);
    }
}
