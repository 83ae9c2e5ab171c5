package dev.ragstream.admin.cli;

import dev.ragstream.database.DatabaseProvisioner;
import dev.ragstream.database.DatabaseTarget;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code tenant init-chatdb}: creates and migrates the shared chatdb (once per installation). */
@Command(name = "init-chatdb", description = "Create (if missing) and migrate the shared chatdb.")
final class InitChatDbCommand implements Callable<Integer> {

    @ParentCommand
    TenantCli cli;

    @Option(names = "--db-host", defaultValue = "127.0.0.1")
    String host;
    @Option(names = "--db-port", defaultValue = "5432")
    int port;
    @Option(names = "--db-name", defaultValue = "chatdb")
    String name;
    @Option(names = "--db-user", defaultValue = "chatuser")
    String user;
    @Option(names = "--db-password", defaultValue = "${env:RAGSTREAM_CHATDB_PASSWORD:-}")
    String password;

    @Override
    public Integer call() throws Exception {
        DatabaseTarget target = new DatabaseTarget(host, port, name, user, password);
        String version = new DatabaseProvisioner(cli.adminUser, cli.adminPassword).provision(target, DatabaseProvisioner.Kind.CHATDB);
        System.out.println("chatdb ready: " + target + " at schema version " + version);
        return 0;
    }
}
