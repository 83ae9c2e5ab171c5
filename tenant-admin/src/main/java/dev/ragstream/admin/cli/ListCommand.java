package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code tenant list}: the seed's format, ending with "Total: N tenants". */
@Command(name = "list", description = "List tenants.")
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    TenantCli cli;

    @Override
    public Integer call() {
        try (TenantRegistry registry = new TenantRegistry(cli.tenantsDir(), Duration.ZERO)) {
            List<Tenant> tenants = registry.all().stream().sorted(Comparator.comparing(t -> t.id().value())).toList();
            System.out.println("Available tenants:");
            tenants.forEach(t -> System.out.println("- " + t.id() + " (" + t.name() + ")"));
            System.out.println("Total: " + tenants.size() + " tenants");
        }
        return 0;
    }
}
