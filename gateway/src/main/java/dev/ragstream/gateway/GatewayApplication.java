package dev.ragstream.gateway;

import dev.ragstream.platform.PlatformConfiguration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/** The gateway service; configuration in {@code gateway.yml}. */
@SpringBootApplication
@Import(PlatformConfiguration.class)
@EnableConfigurationProperties(GatewayProperties.class)
public class GatewayApplication {

    /** A builder for this service, as the standalone runner and {@link #main} start it. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GatewayApplication.class).properties("spring.config.name=gateway");
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
