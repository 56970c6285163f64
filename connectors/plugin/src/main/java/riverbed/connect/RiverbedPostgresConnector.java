package riverbed.connect;

import io.debezium.connector.postgresql.PostgresConnector;
import org.apache.kafka.connect.connector.Task;

/**
 * Debezium's Postgres connector, configured and behaving the same, whose tasks skip the
 * per-event "last event" summary of Debezium's metrics ({@code riverbed.debezium.BriefEventSummary}).
 */
public class RiverbedPostgresConnector extends PostgresConnector {
    @Override
    public Class<? extends Task> taskClass() {
        return RiverbedPostgresTask.class;
    }
}
