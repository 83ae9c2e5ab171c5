package dev.ragstream.admin.web;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.util.PGobject;
import tools.jackson.databind.json.JsonMapper;

/** Result rows as JSON-ready maps: timestamps as ISO-8601, jsonb as JSON, uuids as strings. */
public final class Rows {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Rows() {
    }

    /** Binds {@code args} and returns every row. */
    public static List<Map<String, Object>> query(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    row.put(meta.getColumnLabel(c), value(rs.getObject(c)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static Object value(Object value) {
        if (value instanceof Timestamp ts) {
            return ts.toInstant().toString();
        }
        if (value instanceof PGobject pg && pg.getValue() != null && pg.getType().startsWith("json")) {
            return JSON.readTree(pg.getValue());
        }
        if (value instanceof PGobject pg) {
            return pg.getValue();
        }
        if (value instanceof java.util.UUID uuid) {
            return uuid.toString();
        }
        return value;
    }
}
