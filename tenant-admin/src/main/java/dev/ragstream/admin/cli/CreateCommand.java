package dev.ragstream.admin.cli;

import dev.ragstream.database.DatabaseProvisioner;
import dev.ragstream.database.DatabaseTarget;
import dev.ragstream.platform.security.ApiKeys;
import dev.ragstream.platform.tenant.TenantId;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tenant create <id>}: writes {@code tenants/<id>/.env} with generated keys and provisions
 * the tenant's own database and role. All or nothing: a failure leaves no folder and no database.
 */
@Command(name = "create", description = "Create a tenant: configuration, keys and its own database.")
final class CreateCommand implements Callable<Integer> {

    @ParentCommand
    TenantCli cli;

    @Parameters(index = "0", description = "Tenant id: 2-63 lowercase letters, digits and hyphens.")
    String id;
    @Option(names = "--name", description = "Human-readable tenant name.")
    String name;
    @Option(names = "--db-host", defaultValue = "127.0.0.1")
    String dbHost;
    @Option(names = "--db-port", defaultValue = "5432")
    int dbPort;
    @Option(names = "--db-name", description = "Default: ragdb_<id>.")
    String dbName;
    @Option(names = "--db-user", description = "Default: rag_<id>, a role of its own that can connect only to its database.")
    String dbUser;
    @Option(names = "--db-password", description = "Default: generated.")
    String dbPassword;
    @Option(names = "--admin-db-host", defaultValue = "127.0.0.1")
    String chatHost;
    @Option(names = "--admin-db-port", defaultValue = "5432")
    int chatPort;
    @Option(names = "--admin-db-name", defaultValue = "chatdb")
    String chatName;
    @Option(names = "--admin-db-user", defaultValue = "chatuser")
    String chatUser;
    @Option(names = "--admin-db-password", defaultValue = "${env:RAGSTREAM_CHATDB_PASSWORD:-}")
    String chatPassword;
    @Option(names = "--no-provision", description = "Only write the configuration; create the database yourself.")
    boolean noProvision;

    @Override
    public Integer call() {
        TenantId tenant = TenantId.of(id);
        Path dir = cli.tenantsDir().toAbsolutePath().normalize().resolve(tenant.value());
        if (Files.exists(dir)) {
            throw new IllegalArgumentException("tenant " + tenant + " already exists (" + dir + ")");
        }
        DatabaseTarget database = target(tenant);
        Map<String, String> env = variables(tenant, database);
        String content = EnvTemplate.render(env);

        System.out.println("Creating tenant: " + tenant);
        System.out.println("Name: " + env.get("TENANT_NAME"));
        System.out.println("Directory: " + dir);
        install(dir, content, database);
        System.out.println("Generated API Keys:");
        for (String key : new String[] {"ADMIN_API_KEY", "CHAT_API_KEY", "UPLOAD_API_KEY"}) {
            System.out.println("  " + key + ": " + env.get(key));
        }
        System.out.println("  ADMIN_PASSWORD: " + env.get("ADMIN_PASSWORD"));
        System.out.println("(shown in full this one time)");
        System.out.println("Tenant created successfully!");
        System.out.println("Next steps:");
        System.out.println("1. Edit " + dir.resolve(".env") + " to set LLM_PROVIDER and its API key (optional)");
        System.out.println(noProvision
                ? "2. Create the database " + database.database() + " for role " + database.user() + ", then run migrations"
                : "2. Upload documents: POST /upload?tenant=" + tenant + " with X-API-Key: <UPLOAD_API_KEY>");
        return 0;
    }

    private DatabaseTarget target(TenantId tenant) {
        String snake = tenant.value().replace('-', '_');
        String database = dbName != null ? dbName : "ragdb_" + snake;
        String user = dbUser != null ? dbUser : "rag_" + snake;
        if ((dbName == null && database.length() > 63) || (dbUser == null && user.length() > 63)) {
            throw new IllegalArgumentException("tenant id " + tenant + " is too long for the default database and role"
                    + " names (ragdb_<id>, rag_<id>; PostgreSQL allows 63 characters): pass --db-name and --db-user");
        }
        return new DatabaseTarget(dbHost, dbPort, database, user, dbPassword != null ? dbPassword : ApiKeys.generatePassword());
    }

    private Map<String, String> variables(TenantId tenant, DatabaseTarget db) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("TENANT_ID", tenant.value());
        env.put("TENANT_NAME", name != null && !name.isBlank() ? name.strip().replaceAll("[\\r\\n]", " ") : tenant.value());
        env.put("DB_HOST", db.host());
        env.put("DB_PORT", String.valueOf(db.port()));
        env.put("DB_NAME", db.database());
        env.put("DB_USER", db.user());
        env.put("DB_PASSWORD", db.password());
        env.put("ADMIN_DB_HOST", chatHost);
        env.put("ADMIN_DB_PORT", String.valueOf(chatPort));
        env.put("ADMIN_DB_NAME", chatName);
        env.put("ADMIN_DB_USER", chatUser);
        env.put("ADMIN_DB_PASSWORD", chatPassword);
        env.put("ADMIN_API_KEY", ApiKeys.generate());
        env.put("CHAT_API_KEY", ApiKeys.generate());
        env.put("UPLOAD_API_KEY", ApiKeys.generate());
        env.put("ADMIN_PASSWORD", ApiKeys.generatePassword());
        env.put("API_DEBUG_PASSWORD", ApiKeys.generatePassword());
        return env;
    }

    /**
     * Stages the folder, provisions the database, then moves the folder into place: services
     * polling the tenants folder never see a tenant without its database, and a failure leaves
     * no folder behind.
     */
    private void install(Path dir, String content, DatabaseTarget database) {
        Path staging = null;
        try {
            staging = stage(dir, content);
            if (!noProvision) {
                provision(database);
            }
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            String reason = e instanceof FileSystemException fs && fs.getReason() != null
                    ? fs.getReason() : e.getClass().getSimpleName();
            throw new IllegalStateException("cannot write the tenant folder " + dir + ": " + reason, e);
        } finally {
            deleteQuietly(staging);
        }
    }

    /** Writes the folder (0750) and its .env (0640) under a hidden temporary name next to {@code dir}. */
    private static Path stage(Path dir, String content) throws IOException {
        Files.createDirectories(dir.getParent());
        Path staging = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + "-");
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-x---")); // exact, whatever the umask
        Path env = staging.resolve(".env");
        Files.createFile(env, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(env, content);
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r-----"));
        return staging;
    }

    /** The provisioner undoes what it created when it fails, and never touches what existed before. */
    private void provision(DatabaseTarget database) {
        try {
            String version = new DatabaseProvisioner(cli.adminUser, cli.adminPassword).provision(database, DatabaseProvisioner.Kind.RAGDB);
            firstGenerationOfTheNewModel(database);
            System.out.println("Database: " + database + " ready at schema version " + version);
        } catch (SQLException | RuntimeException e) {
            throw new IllegalStateException("cannot provision database " + database + ": " + ErrorLine.of(e)
                    + " (nothing was created)", e);
        }
    }

    /**
     * A new ragdb starts with generation 1 of the fp32 model; a tenant created now uses
     * {@link EnvTemplate#EMBEDDING_MODEL} (same tokenizer, same 384 dimensions), so while the
     * database holds no vectors its first generation is that model's — no second generation is
     * made on the first upload.
     */
    private static void firstGenerationOfTheNewModel(DatabaseTarget database) throws SQLException {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             PreparedStatement ps = c.prepareStatement("""
                     UPDATE embedding_generations SET model = ?
                     WHERE generation = 1 AND provider = 'local' AND model = 'all-minilm-l6-v2'
                       AND NOT EXISTS (SELECT 1 FROM chunk_vectors)""")) {
            ps.setString(1, EnvTemplate.EMBEDDING_MODEL);
            ps.executeUpdate();
        }
    }

    /** Deletes what is left of a staging folder; one left behind is hidden and ignored by the registry. */
    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("Warning: could not remove the staging folder " + dir);
        }
    }
}
