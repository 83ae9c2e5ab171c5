package dev.ragstream.admin.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code tenant show <id>}: the seed's format (Tenant, Name, Directory, Config File, then every
 * variable of the .env in file order), with every secret masked to a short prefix.
 */
@Command(name = "show", description = "Show a tenant's configuration, secrets masked.")
final class ShowCommand implements Callable<Integer> {

    @ParentCommand
    TenantCli cli;

    @Parameters(index = "0", paramLabel = "<id>", description = "Tenant id.")
    String id;

    @Override
    public Integer call() {
        TenantFolder folder = TenantFolder.existing(cli, id);
        Map<String, String> env = folder.variables();
        String name = env.getOrDefault("TENANT_NAME", "").isBlank() ? id : env.get("TENANT_NAME").strip();
        System.out.println("Tenant: " + folder.id());
        System.out.println("Name: " + Secrets.display("TENANT_NAME", name));
        System.out.println("Directory: " + folder.dir());
        System.out.println("Config File: " + folder.envFile());
        System.out.println("Configuration:");
        env.forEach((key, value) -> System.out.println("  " + key + ": " + Secrets.display(key, value)));
        return 0;
    }
}
