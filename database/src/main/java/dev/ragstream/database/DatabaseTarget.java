package dev.ragstream.database;

import java.util.regex.Pattern;

/**
 * Where a database lives and who owns it. Database and role names are restricted to plain
 * lowercase identifiers so they can never smuggle SQL or path characters.
 */
public record DatabaseTarget(String host, int port, String database, String user, String password) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public DatabaseTarget {
        requireIdentifier("database name", database);
        requireIdentifier("database user", user);
        if (host == null || host.isBlank() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid database host/port: " + host + ":" + port);
        }
        password = password == null ? "" : password;
    }

    /** JDBC URL of this database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** JDBC URL of another database on the same server. */
    public String jdbcUrl(String otherDatabase) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + otherDatabase;
    }

    private static void requireIdentifier(String what, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must match " + IDENTIFIER.pattern() + ": " + value);
        }
    }

    @Override
    public String toString() {
        return "DatabaseTarget[" + user + "@" + host + ":" + port + "/" + database + "]";
    }
}
