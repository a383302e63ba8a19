// OpenSearchLive runs one OpenSearch 2.19 node in-process for wirewatch's live tests, through
// codelibs' OpenSearchRunner (which loads the modules from the classpath: analysis-common,
// netty transport, painless...). The runner's own main refuses HTTP ports above 9299, moves to
// the next port when one is taken and exits 1 without a word on failure; the live suites need
// fixed loopback ports that fail loudly, so servers.sh starts this instead, as a single-file
// program on the runner's classpath:
//
//	java -cp 'lib/*' OpenSearchLive.java BASE_DIR HTTP_PORT TRANSPORT_PORT
//
// Data stays under BASE_DIR/node_1 (the runner never deletes it), so a stop (SIGTERM: the
// shutdown hook closes the node) and a start on the same BASE_DIR keep every index.

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

import org.codelibs.opensearch.runner.OpenSearchRunner;

public class OpenSearchLive {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: OpenSearchLive BASE_DIR HTTP_PORT TRANSPORT_PORT");
            System.exit(2);
        }
        int http = Integer.parseInt(args[1]);
        String transport = args[2];
        OpenSearchRunner runner = new OpenSearchRunner();
        // A negative maximum makes the runner take baseHttpPort+1 as it is, taken or not.
        runner.setMaxHttpPort(-1);
        runner.onBuild((id, s) -> {
            s.put("network.host", "127.0.0.1");
            s.put("transport.port", transport);
            s.put("discovery.type", "single-node");
            // A busy developer disk must not turn the test indices read-only.
            s.put("cluster.routing.allocation.disk.threshold_enabled", false);
        });
        // OpenSearch routes System.out and System.err through Log4j, whose own shutdown hook
        // may have stopped it by then: the outcome of the close goes to the raw stderr.
        PrintStream raw = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
                raw.println("OpenSearchLive: node closed");
            } catch (Exception e) {
                raw.println("OpenSearchLive: closing the node: " + e);
            }
        }));
        runner.build("-basePath", args[0], "-numOfNode", "1", "-baseHttpPort", String.valueOf(http - 1), "-printOnFailure");
        while (!runner.isClosed()) {
            Thread.sleep(1000);
        }
    }
}
