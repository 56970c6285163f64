package riverbed;

import io.debezium.connector.common.BaseSourceTask;
import io.debezium.embedded.async.AsyncEmbeddedEngine;
import io.debezium.engine.DebeziumEngine;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import riverbed.debezium.BriefEventSummary;

/**
 * Keep the embedded engine's Debezium from formatting every event into its "last event" metric.
 *
 * <p>A connector callback: once the engine's task has started, it installs
 * {@link BriefEventSummary} on the task's metrics (shared with the Kafka Connect plugin, whose
 * task does the same). Should a Debezium version lay its fields out differently, nothing is
 * changed and a warning says so.
 */
public final class BriefLastEvent implements DebeziumEngine.ConnectorCallback {
    private static final Logger LOG = LoggerFactory.getLogger(BriefLastEvent.class);

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

    /** Make the started task's "last event" metric brief (see BriefEventSummary). */
    public static void install(Object task) {
        try {
            Field field = BaseSourceTask.class.getDeclaredField("coordinator");
            field.setAccessible(true);
            BriefEventSummary.install(field.get(task));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Debezium's last-event metric left as is (it formats every event): {}", e.toString());
        }
    }
}
