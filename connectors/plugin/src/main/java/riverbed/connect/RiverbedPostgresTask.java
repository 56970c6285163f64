package riverbed.connect;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import riverbed.debezium.BriefEventSummary;

/** Debezium's Postgres task with the brief event summary installed once it has started. */
public class RiverbedPostgresTask extends PostgresConnectorTask {
    @Override
    public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(
            Configuration config) {
        ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> coordinator =
                super.start(config);
        BriefEventSummary.install(coordinator);
        return coordinator;
    }
}
