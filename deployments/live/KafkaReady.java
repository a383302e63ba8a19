// KafkaReady waits until the live-test Kafka cluster can take the live suites: the expected
// number of brokers is registered and unfenced, a probe topic with replication factor 3
// exists, and (with --full) no partition of any topic is under-replicated, so the next fault
// a test injects starts from a whole cluster. servers.sh runs it, as a single-file program on
// the brokers' own classpath, after up and kafka-start:
//
//	java -cp 'lib/*' KafkaReady.java BOOTSTRAP BROKERS TIMEOUT_SECONDS [--full]
//
// It exits 0 once ready, and 1 with the last reason it saw when the timeout passes.

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;

public class KafkaReady {
    static final String PROBE = "wirewatch.live.probe";

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: KafkaReady BOOTSTRAP BROKERS TIMEOUT_SECONDS [--full]");
            System.exit(2);
        }
        int want = Integer.parseInt(args[1]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        boolean full = args.length > 3 && args[3].equals("--full");

        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        String reason = "no answer yet";
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                try {
                    reason = check(admin, want, full);
                    if (reason == null) {
                        System.out.println("kafka ready: " + want + " brokers" + (full ? ", every partition fully replicated" : ""));
                        return;
                    }
                } catch (ExecutionException e) {
                    reason = e.getCause().toString();
                } catch (TimeoutException e) {
                    // A broker still starting can leave a request unanswered: ask again.
                    reason = "no answer within 5 s";
                }
                Thread.sleep(250);
            }
        }
        System.err.println("kafka not ready: " + reason);
        System.exit(1);
    }

    // check returns null when the cluster is ready, else why not.
    static String check(Admin admin, int want, boolean full) throws Exception {
        var nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        if (nodes.size() != want) {
            return "metadata lists " + nodes.size() + " brokers, want " + want + ": " + nodes;
        }
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(5, TimeUnit.SECONDS);
        if (!names.contains(PROBE)) {
            try {
                admin.createTopics(List.of(new NewTopic(PROBE, 3, (short) 3))).all().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            names = Set.of(PROBE);
        }
        Map<String, TopicDescription> topics = admin.describeTopics(full ? names : Set.of(PROBE)).allTopicNames().get(5, TimeUnit.SECONDS);
        for (TopicDescription t : topics.values()) {
            for (TopicPartitionInfo part : t.partitions()) {
                Node leader = part.leader();
                if (leader == null || leader.isEmpty()) {
                    return t.name() + "-" + part.partition() + " has no leader";
                }
                if (t.name().equals(PROBE) && part.replicas().size() != 3) {
                    return PROBE + "-" + part.partition() + " has " + part.replicas().size() + " replicas, want 3";
                }
                if (full && part.isr().size() < part.replicas().size()) {
                    return t.name() + "-" + part.partition() + " has " + part.isr().size() + " of " + part.replicas().size() + " replicas in sync";
                }
            }
        }
        return null;
    }
}
