package dev.vigil.verifier.pipeline;

import dev.vigil.contracts.SqlCheck;
import dev.vigil.verifier.VerifierProperties;
import java.sql.SQLException;
import java.util.List;

/**
 * Where the restore pipeline restores a backup, and what it compares there: a scratch database for a
 * verification, a named database for a restore on demand. Implementations are used by one pipeline
 * run at a time.
 */
public interface Destination extends AutoCloseable {

    /** The server restored into. */
    VerifierProperties.Server server();

    /** How an operator names the server, e.g. {@code the verification server} or {@code restore server reporting}. */
    String serverName();

    /** Where the server's settings are, e.g. {@code vigil.verifier.scratch} or {@code vigil.verifier.restore-servers.reporting}. */
    String settings();

    /** The database restored into. */
    String database();

    /** A name for this run's files in the work directory, unique among runs at once. */
    String workName();

    /**
     * Makes the database ready to restore into. Called once the artifact has been fetched and found
     * sound, never before (a damaged backup costs no database anything), unless the destination
     * {@linkplain #restoresWhileArriving() restores while it arrives}.
     */
    void prepare() throws SQLException;

    /**
     * Whether a backup may be restored here while it is still arriving, before its checksum is known:
     * a scratch database that nothing else reads and that is dropped whatever the verdict. Never a
     * database someone asked to restore into.
     */
    default boolean restoresWhileArriving() {
        return false;
    }

    /**
     * pg_restore's selection switches, one list per run: one run with none restores everything.
     * Plain SQL is always restored whole, in one run.
     */
    default List<List<String>> runs() {
        return List.of(List.of());
    }

    /** Whether the table is restored here, and so counted and compared. */
    default boolean includes(String schema, String table) {
        return true;
    }

    /** Whether the restored catalog is compared object by object with the dump's (a whole database only). */
    default boolean comparesCatalog() {
        return false;
    }

    /** The target's own checks to run on the restored database. */
    default List<SqlCheck> checks() {
        return List.of();
    }

    /** Ends the run; a scratch database is dropped here, a requested one is left. */
    @Override
    default void close() throws SQLException {
    }
}
