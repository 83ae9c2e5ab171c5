package dev.ragstream.admin;

import dev.ragstream.platform.PlatformConfiguration;
import dev.ragstream.platform.PlatformProperties;
import dev.ragstream.platform.web.InternalRequestFilter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/** The tenant-admin service (internal: reached through the gateway); configuration in {@code tenant-admin.yml}. */
@SpringBootApplication
@Import(PlatformConfiguration.class)
public class TenantAdminApplication {

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(TenantAdminApplication.class).properties("spring.config.name=tenant-admin");
    }

    public static void main(String[] args) {
        builder().run(args);
    }

    /** The admin API as clients see it: through the gateway, relative to its base URL. */
    @Bean
    io.swagger.v3.oas.models.OpenAPI adminApi() {
        return new io.swagger.v3.oas.models.OpenAPI()
                .info(new io.swagger.v3.oas.models.info.Info().title("ragstream admin API").version("v1")
                        .description("Per-tenant administration. Send X-Tenant-ID and X-API-Key: <ADMIN_API_KEY> to the gateway."))
                .servers(java.util.List.of(new io.swagger.v3.oas.models.servers.Server().url("/")));
    }

    @Bean
    FilterRegistrationBean<InternalRequestFilter> internalOnly(PlatformProperties platform) {
        FilterRegistrationBean<InternalRequestFilter> registration =
                new FilterRegistrationBean<>(new InternalRequestFilter(platform.internalSecret(), "/v3/api-docs"));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
