package dev.vigil.verifier.pipeline;

import dev.vigil.pgclients.RowCounts;
import dev.vigil.verifier.VerifierProperties;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts a restored table's rows as soon as its data is loaded, while the rest of the restore goes
 * on (its indexes, the other tables), on one connection of its own, so the comparison after the
 * restore has little left to count. A table's {@code count(*) from only} is final once its
 * {@code TABLE DATA} is restored: nothing later in a restore adds or removes rows. Counting here is
 * only a head start: a table it did not count (not yet reached, or its connection failed) is
 * counted after the restore as before.
 */
final class EarlyCounts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EarlyCounts.class);
    private static final String[] END = new String[0];

    private final VerifierProperties.Server server;
    private final String database;
    private final BlockingQueue<String[]> loaded = new LinkedBlockingQueue<>();
    private final Map<TableName, Long> counted = new ConcurrentHashMap<>();
    private final Thread counter;
    private volatile Connection connection;

    EarlyCounts(VerifierProperties.Server server, String database) {
        this.server = server;
        this.database = database;
        this.counter = Thread.ofVirtual().name("early-counts-" + database).start(this::count);
    }

    /** A table whose data is restored now; called by the restore as its pieces end. */
    void loaded(String schema, String table) {
        loaded.add(new String[] {schema, table});
    }

    /** Waits for the tables handed in so far to be counted; their rows. */
    Map<TableName, Long> counted() throws InterruptedException {
        loaded.add(END);
        counter.join();
        return Map.copyOf(counted);
    }

    private void count() {
        try {
            boolean ended = false;
            while (!ended) {
                // What has been handed in meanwhile is counted together, up to a batch to a statement.
                List<String[]> tables = new ArrayList<>();
                tables.add(loaded.take());
                loaded.drainTo(tables, RowCounts.BATCH - 1);
                ended = tables.remove(END);
                if (tables.isEmpty()) {
                    continue;
                }
                if (connection == null) {
                    connection = DatabaseServer.connect(server, database);
                }
                counted.putAll(RestoredDatabase.count(connection, tables));
            }
        } catch (SQLException e) {
            // What is not counted here is counted after the restore.
            log.debug("counting restored tables early in {} stopped: {}", database, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Connection open = connection;
            if (open != null) {
                try {
                    open.close();
                } catch (SQLException ignored) {
                    // closed or gone: nothing held
                }
            }
        }
    }

    /** Stops counting (the restore ended early, or was cancelled) and closes the connection. */
    @Override
    public void close() {
        counter.interrupt();
        Connection open = connection;
        if (open != null) {
            try {
                open.abort(Runnable::run);
            } catch (SQLException ignored) {
                // gone already
            }
        }
    }
}
