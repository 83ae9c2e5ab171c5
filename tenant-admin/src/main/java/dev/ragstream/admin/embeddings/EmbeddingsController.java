package dev.ragstream.admin.embeddings;

import dev.ragstream.admin.web.AdminRequests;
import dev.ragstream.platform.index.IndexGenerations;
import dev.ragstream.platform.index.IndexGenerations.Generation;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.tenant.TenantDataSources;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tenant's embedding generations (see {@link IndexGenerations}): {@code GET /admin/embeddings}
 * shows each one's model and how far it is filled; {@code POST .../generations/<n>/activate}
 * switches queries to a complete generation (a rollback, when it is the one used before);
 * {@code DELETE .../generations/<n>} drops one that is not active, with its vectors.
 */
@RestController
class EmbeddingsController {

    private static final Logger log = LoggerFactory.getLogger(EmbeddingsController.class);

    private final AdminRequests requests;
    private final TenantDataSources dataSources;

    EmbeddingsController(AdminRequests requests, TenantDataSources dataSources) {
        this.requests = requests;
        this.dataSources = dataSources;
    }

    @GetMapping("/admin/embeddings")
    Map<String, Object> generations(HttpServletRequest request) {
        Tenant tenant = requests.tenant(request);
        return inTransaction(tenant, c -> {
            List<Map<String, Object>> generations = new ArrayList<>();
            for (Generation g : IndexGenerations.live(c)) {
                long[] progress = IndexGenerations.progress(c, g.number());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("generation", g.number());
                row.put("provider", g.provider());
                row.put("model", g.model());
                row.put("dimensions", g.dimensions());
                row.put("dimension", g.dimension());
                row.put("state", g.state());
                row.put("vectors", progress[0]);
                row.put("chunks", progress[1]);
                row.put("progress", progress[1] == 0 ? 1.0 : Math.min(1.0, Math.round(1000.0 * progress[0] / progress[1]) / 1000.0));
                // none (loading; queries scan exactly), building or ready; while building, PostgreSQL's own progress
                row.put("index", IndexGenerations.indexState(c, g.number()).name().toLowerCase(Locale.ROOT));
                IndexGenerations.indexProgress(c, g.number()).ifPresent(build -> row.put("index_build", build));
                generations.add(row);
            }
            return Map.of("generations", generations);
        });
    }

    @PostMapping("/admin/embeddings/generations/{generation}/activate")
    Map<String, Object> activate(HttpServletRequest request, @PathVariable String generation) {
        Tenant tenant = requests.tenant(request);
        int number = number(generation);
        inTransaction(tenant, c -> {
            IndexGenerations.lock(c, true);
            existing(c, number);
            if (!IndexGenerations.missing(c, number, 1).isEmpty()) {
                throw new ApiException(HttpStatus.CONFLICT, "generation-incomplete",
                        "Embedding generation " + number + " does not have every chunk's vector yet; see GET /admin/embeddings");
            }
            IndexGenerations.activate(c, number);
            return null;
        });
        log.info("Tenant {}: queries now use embedding generation {} (activated by an operator)", tenant.id(), number);
        return Map.of("generation", number, "state", "active");
    }

    @DeleteMapping("/admin/embeddings/generations/{generation}")
    Map<String, Object> drop(HttpServletRequest request, @PathVariable String generation) {
        Tenant tenant = requests.tenant(request);
        int number = number(generation);
        inTransaction(tenant, c -> {
            IndexGenerations.lock(c, true);
            if (existing(c, number).active()) {
                throw new ApiException(HttpStatus.CONFLICT, "generation-active",
                        "Embedding generation " + number + " is the one queries use; activate another one first");
            }
            IndexGenerations.drop(c, number);
            return null;
        });
        log.info("Tenant {}: embedding generation {} dropped by an operator", tenant.id(), number);
        return Map.of("generation", number, "state", "dropped");
    }

    private static Generation existing(java.sql.Connection c, int number) throws SQLException {
        return IndexGenerations.live(c).stream().filter(g -> g.number() == number).findFirst()
                .orElseThrow(() -> AdminRequests.notFound("Embedding generation"));
    }

    private static int number(String generation) {
        try {
            return Integer.parseInt(generation);
        } catch (NumberFormatException e) {
            throw AdminRequests.notFound("Embedding generation");
        }
    }

    private <T> T inTransaction(Tenant tenant, TenantDataSources.TransactionWork<T> work) {
        try {
            return dataSources.inTransaction(tenant, work);
        } catch (SQLException e) {
            throw ApiException.databaseUnavailable();
        }
    }
}
