package riverbed;

import io.debezium.connector.common.BaseSourceTask;
import io.debezium.embedded.async.AsyncEmbeddedEngine;
import io.debezium.engine.DebeziumEngine;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.meters.CommonEventMeter;
import io.debezium.pipeline.metrics.PipelineMetrics;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.pipeline.txmetadata.TransactionInfo;
import io.debezium.spi.schema.DataCollectionId;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keep Debezium from formatting every event into its "last event" metric.
 *
 * <p>Debezium 3.6's snapshot and streaming metrics store, for each event, a summary string
 * (the JMX attribute {@code LastEvent}): its source position and its key, the key written by
 * {@code SchemaUtil.asDetailedString}, which builds a new Jackson {@code ObjectMapper} each time.
 * On the embedded path's drains that took a quarter of Debezium's decoder thread. Nothing can
 * switch it off ({@code statistics.metrics.enabled} only concerns the lag quantiles), so once
 * the task has started this callback wraps the metrics' event metadata provider: the summary
 * becomes the table's name, everything else (counts, timestamps, lag) stays Debezium's own.
 *
 * <p>The metrics are reached through private fields of Debezium 3.6. Should a version lay them
 * out differently, nothing is changed and a warning says so: Debezium then runs as it ships.
 */
public final class BriefLastEvent implements DebeziumEngine.ConnectorCallback {
    private static final Logger LOG = LoggerFactory.getLogger(BriefLastEvent.class);
    private static final String[] METRICS = {"snapshotMetrics", "streamingMetrics"};

    private volatile DebeziumEngine<?> engine;
    private final Runnable onPollingStopped;

    public BriefLastEvent() {
        this(() -> {});
    }

    /** Also run {@code onPollingStopped} once the engine stopped polling (before its task stops). */
    public BriefLastEvent(Runnable onPollingStopped) {
        this.onPollingStopped = onPollingStopped;
    }

    /** Remember the engine whose tasks get the brief summary; return it. */
    public <R> DebeziumEngine<R> attach(DebeziumEngine<R> built) {
        engine = built;
        return built;
    }

    @Override
    public void taskStarted() {
        if (engine instanceof AsyncEmbeddedEngine<?> running) {
            running.runWithTask(BriefLastEvent::install);
        } else {
            LOG.warn("not Debezium's asynchronous engine: its last-event metric is left as is");
        }
    }

    @Override
    public void pollingStopped() {
        onPollingStopped.run();
    }

    /** Wrap the metadata provider of a started task's metrics. */
    public static void install(Object task) {
        try {
            Object coordinator = read(task, BaseSourceTask.class, "coordinator");
            if (coordinator == null) {
                throw new IllegalStateException("the task has no coordinator yet");
            }
            Field provider = CommonEventMeter.class.getDeclaredField("metadataProvider");
            provider.setAccessible(true);
            for (String name : METRICS) {
                Object metrics = read(coordinator, ChangeEventSourceCoordinator.class, name);
                if (!(metrics instanceof PipelineMetrics)) {
                    continue;
                }
                Object meter = read(metrics, PipelineMetrics.class, "commonEventMeter");
                Object inner = provider.get(meter);
                if (inner instanceof EventMetadataProvider found && !(inner instanceof Brief)) {
                    provider.set(meter, new Brief(found));
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Debezium's last-event metric left as is (it formats every event): {}", e.toString());
        }
    }

    private static Object read(Object target, Class<?> owner, String name)
            throws ReflectiveOperationException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }

    /** Debezium's provider, with the table's name as the event summary. */
    static final class Brief implements EventMetadataProvider {
        private final EventMetadataProvider inner;

        Brief(EventMetadataProvider inner) {
            this.inner = inner;
        }

        @Override
        public Instant getEventTimestamp(
                DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return inner.getEventTimestamp(source, offset, key, value);
        }

        @Override
        public Map<String, String> getEventSourcePosition(
                DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return inner.getEventSourcePosition(source, offset, key, value);
        }

        @Override
        public String getTransactionId(
                DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return inner.getTransactionId(source, offset, key, value);
        }

        @Override
        public TransactionInfo getTransactionInfo(
                DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return inner.getTransactionInfo(source, offset, key, value);
        }

        @Override
        public String toSummaryString(
                DataCollectionId source, OffsetContext offset, Object key, Struct value) {
            return String.valueOf(source);
        }
    }
}
