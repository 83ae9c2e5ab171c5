package dev.ragstream.database;

import java.util.regex.Pattern;

/**
 * Where a database lives and who owns it. Database and role names are restricted to plain
 * lowercase identifiers so they can never smuggle SQL or path characters; the host is a host
 * name, an IPv4 address or a bracketed IPv6 address, so it cannot add parameters to the JDBC URL.
 *
 * @throws IllegalArgumentException from the constructor when a name, the host or the port is invalid
 */
public record DatabaseTarget(String host, int port, String database, String user, String password) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}|\\[[0-9A-Fa-f:.]{2,45}]");

    public DatabaseTarget {
        requireIdentifier("database name", database);
        requireIdentifier("database user", user);
        if (host == null || !HOST.matcher(host).matches() || port < 1 || port > 65535) {
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
