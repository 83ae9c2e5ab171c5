package dev.ragstream.admin.cli;

import dev.ragstream.database.DatabaseProvisioner;
import dev.ragstream.database.DatabaseTarget;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tenant init-chatdb}: creates and migrates the shared chatdb (once per installation),
 * owned by one role, and the application role the services use (ADMIN_DB_USER of the tenants):
 * neither owner nor superuser, so row-level security always applies to it.
 */
@Command(name = "init-chatdb", description = "Create (if missing) and migrate the shared chatdb and its application role.")
final class InitChatDbCommand implements Callable<Integer> {

    @ParentCommand
    TenantCli cli;

    @Option(names = "--db-host", defaultValue = "127.0.0.1")
    String host;
    @Option(names = "--db-port", defaultValue = "5432")
    int port;
    @Option(names = "--db-name", defaultValue = "chatdb")
    String name;
    @Option(names = "--db-user", defaultValue = "chatdb_owner", description = "Owner role (runs migrations only).")
    String user;
    @Option(names = "--db-password", defaultValue = "${env:RAGSTREAM_CHATDB_OWNER_PASSWORD:-}")
    String password;
    @Option(names = "--app-user", defaultValue = "chatuser", description = "Role the services use (ADMIN_DB_USER).")
    String appUser;
    @Option(names = "--app-password", defaultValue = "${env:RAGSTREAM_CHATDB_PASSWORD:-}")
    String appPassword;

    @Override
    public Integer call() throws Exception {
        DatabaseTarget target = new DatabaseTarget(host, port, name, user, password);
        DatabaseProvisioner provisioner = new DatabaseProvisioner(cli.adminUser, cli.adminPassword);
        String version = provisioner.provision(target, DatabaseProvisioner.Kind.CHATDB);
        provisioner.provisionChatAppRole(target, appUser, appPassword);
        System.out.println("chatdb ready: " + target + " at schema version " + version + ", services connect as " + appUser);
        return 0;
    }
}
