package dev.ragstream.platform.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A tenant's documents still waiting for or in the pipeline (statuses {@code queued},
 * {@code converting}, {@code chunking}, {@code embedding}): what the queue quota, the lane choice
 * and the index's bulk path count. The predicate is that of the partial index
 * {@code documents_in_flight_idx} (ragdb V6), so the count reads the documents in flight only.
 */
public final class DocumentQueue {

    private DocumentQueue() {
    }

    /** How many documents of the tenant whose ragdb {@code c} is are in flight. */
    public static int inFlight(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM documents WHERE status IN ('queued', 'converting', 'chunking', 'embedding')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
