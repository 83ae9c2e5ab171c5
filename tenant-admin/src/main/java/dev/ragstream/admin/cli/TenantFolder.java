package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.EnvFile;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantId;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An existing tenant's configuration folder {@code <tenants-dir>/<id>/} and its {@code .env}.
 * The id is validated before any path is built from it, so a command given a bad id touches
 * nothing. Error messages name files and line numbers, never a value.
 */
record TenantFolder(TenantId id, Path dir) {

    /**
     * The folder of tenant {@code id}.
     * @throws TenantId.InvalidTenantIdException when {@code id} is not a valid tenant id
     * @throws IllegalArgumentException when there is no such tenant (no {@code .env} in its folder)
     */
    static TenantFolder existing(TenantCli cli, String id) {
        TenantId tenant = TenantId.of(id);
        Path dir = root(cli).resolve(tenant.value());
        if (!Files.isRegularFile(dir.resolve(".env"))) {
            throw new IllegalArgumentException("unknown tenant " + tenant + ": there is no " + dir.resolve(".env"));
        }
        return new TenantFolder(tenant, dir);
    }

    /** Every tenant folder (valid id, with a {@code .env}), sorted by id; readable or not. */
    static List<TenantFolder> all(TenantCli cli) {
        Path root = root(cli);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(dir -> TenantId.isValid(dir.getFileName().toString()))
                    .filter(dir -> Files.isRegularFile(dir.resolve(".env")))
                    .map(dir -> new TenantFolder(TenantId.of(dir.getFileName().toString()), dir))
                    .sorted(Comparator.comparing(folder -> folder.id().value()))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the tenants folder " + root + ": " + reason(e), e);
        }
    }

    static Path root(TenantCli cli) {
        return cli.tenantsDir().toAbsolutePath().normalize();
    }

    Path envFile() {
        return dir.resolve(".env");
    }

    /**
     * The variables of its {@code .env}, in file order.
     * @throws IllegalStateException when the file cannot be read or parsed
     */
    Map<String, String> variables() {
        try {
            return EnvFile.read(envFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + envFile() + ": " + reason(e), e);
        } catch (EnvFile.MalformedEnvException e) {
            throw new IllegalStateException("cannot read " + envFile() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tenant as the services see it: refused, like the registry does, when its
     * {@code TENANT_ID} names another tenant.
     * @throws IllegalStateException when the {@code .env} cannot be read or names another tenant
     */
    Tenant tenant() {
        Map<String, String> env = variables();
        String declared = env.getOrDefault("TENANT_ID", "").strip();
        if (!declared.isEmpty() && !declared.equals(id.value())) {
            throw new IllegalStateException("TENANT_ID in " + envFile() + " does not match the folder name " + id);
        }
        return new Tenant(id, env);
    }

    /**
     * Its own ragdb connection settings ({@code DB_*}).
     * @throws IllegalStateException when the {@code .env} cannot be read or its DB_* values are invalid
     */
    Tenant.Database database() {
        Tenant tenant = tenant();
        try {
            return tenant.database();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("tenant " + id + ": " + e.getMessage() + " (" + envFile() + ")", e);
        }
    }

    static String reason(IOException e) {
        return e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : ErrorLine.of(e);
    }
}
