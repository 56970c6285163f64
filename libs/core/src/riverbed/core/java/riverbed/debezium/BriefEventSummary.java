package riverbed.debezium;

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
 * That is a quarter of Debezium's decoder thread, and nothing can switch it off
 * ({@code statistics.metrics.enabled} only concerns the lag quantiles). {@link #install} wraps
 * the metrics' event metadata provider once the task started: the summary becomes the table's
 * name, everything else (counts, timestamps, lag) stays Debezium's own. The embedded engine
 * ({@code riverbed.BriefLastEvent}) and the Kafka Connect plugin
 * ({@code riverbed.connect.RiverbedPostgresTask}) both install it.
 *
 * <p>The metrics are reached through private fields of Debezium 3.6. Should a version lay them
 * out differently, nothing is changed and a warning says so: Debezium then runs as it ships.
 */
public final class BriefEventSummary implements EventMetadataProvider {
    private static final Logger LOG = LoggerFactory.getLogger(BriefEventSummary.class);
    private static final String[] METRICS = {"snapshotMetrics", "streamingMetrics"};

    private final EventMetadataProvider inner;

    BriefEventSummary(EventMetadataProvider inner) {
        this.inner = inner;
    }

    /** Wrap the event metadata provider of a task coordinator's metrics; return how many. */
    public static int install(Object coordinator) {
        int wrapped = 0;
        try {
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
                if (inner instanceof EventMetadataProvider found
                        && !(inner instanceof BriefEventSummary)) {
                    provider.set(meter, new BriefEventSummary(found));
                    wrapped++;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Debezium's last-event metric left as is (it formats every event): {}", e.toString());
            return 0;
        }
        LOG.info("Debezium's last-event metric made brief on {} meter(s)", wrapped);
        return wrapped;
    }

    private static Object read(Object target, Class<?> owner, String name)
            throws ReflectiveOperationException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
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
