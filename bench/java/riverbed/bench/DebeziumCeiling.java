package riverbed.bench;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.BufferedReader;
import java.io.FileReader;
import java.io.InputStreamReader;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import riverbed.BatchJson;
import riverbed.BriefLastEvent;

/**
 * Run the embedded Debezium engine with no apply work behind it, to measure its own rate.
 *
 * <p>Usage: {@code DebeziumCeiling <properties file> noop|batchjson[+lastevent]}. Each line read from stdin
 * is a number of events: an engine is built, runs until it has handed over that many events
 * (heartbeats not counted), prints {@code first} at its first batch and {@code done <events> <first batch ns> <last batch ns>} and is
 * closed, in the same JVM, so later rounds run on compiled code. {@code noop} only counts and
 * marks the records; {@code batchjson} also serializes every batch as the Python consumer's
 * handover does, into a handler that drops it. Both install {@link BriefLastEvent}, as the
 * embedded source does; a mode ending in {@code +lastevent} leaves Debezium's metric as shipped.
 */
public final class DebeziumCeiling {
    private static final String HEARTBEAT = "__debezium-heartbeat";

    private DebeziumCeiling() {}

    /** Count handed-over events and release the main thread at the target. */
    static final class Counter implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
        final long target;
        final CountDownLatch reached = new CountDownLatch(1);
        long seen;
        long first;
        long last;

        Counter(long target) {
            this.target = target;
        }

        boolean add(int n) {
            long now = System.nanoTime();
            if (seen == 0) {
                first = now;
                System.out.println("first");
            }
            seen += n;
            last = now;
            if (seen >= target) {
                reached.countDown();
            }
            return true;
        }

        @Override
        public void handleBatch(
                List<RecordChangeEvent<SourceRecord>> records,
                DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            int n = 0;
            for (RecordChangeEvent<SourceRecord> event : records) {
                String topic = event.record().topic();
                if (topic == null || !topic.startsWith(HEARTBEAT)) {
                    n++;
                }
                committer.markProcessed(event);
            }
            if (n > 0) {
                add(n);
            }
            committer.markBatchFinished();
        }
    }

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        try (FileReader in = new FileReader(args[0])) {
            props.load(in);
        }
        String mode = args.length > 1 ? args[1] : "noop";
        boolean serialize = mode.startsWith("batchjson");
        boolean brief = !mode.endsWith("+lastevent"); // as shipped: Debezium's own metric
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = stdin.readLine()) != null) {
            Counter counter = new Counter(Long.parseLong(line.trim()));
            DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer =
                    serialize ? new BatchJson((batch, count) -> {
                        if (count > 0) {
                            counter.add(count);
                        }
                        return BatchJson.Handler.MARK_PREVIOUS | BatchJson.Handler.MARK_CURRENT;
                    }, HEARTBEAT) : counter;
            BriefLastEvent callback = new BriefLastEvent();
            DebeziumEngine.Builder<RecordChangeEvent<SourceRecord>> builder =
                    DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                            .using(props)
                            .notifying(consumer);
            DebeziumEngine<RecordChangeEvent<SourceRecord>> engine =
                    brief ? callback.attach(builder.using(callback).build()) : builder.build();
            ExecutorService executor = Executors.newSingleThreadExecutor();
            executor.execute(engine);
            System.out.println("started");
            counter.reached.await();
            System.out.println("done " + counter.seen + " " + counter.first + " " + counter.last);
            engine.close();
            executor.shutdown();
            executor.awaitTermination(60, TimeUnit.SECONDS);
            System.out.println("closed");
        }
    }
}
