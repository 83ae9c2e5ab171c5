package dev.ragstream.gateway.admin;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.gateway.proxy.ServiceProxy;
import dev.ragstream.gateway.tenancy.TenantResolver;
import dev.ragstream.platform.tenant.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;

/**
 * {@code /admin/**}: tenant from the query {@code tenant} or the {@code X-Tenant-ID} header (the
 * body belongs to the resource), {@code X-API-Key} = the tenant's ADMIN_API_KEY. The normalised
 * path is forwarded, never the raw one, so encoded dots or slashes cannot reach another route.
 * {@code GET /debug-rag}: the same key, answered by the query API.
 * {@code GET /admin-dashboard?tenant=<id>}: the tenant's dashboard page for a browser, behind HTTP
 * Basic with the tenant's ADMIN_USERNAME/ADMIN_PASSWORD, served with a strict content policy.
 */
@RestController
class AdminController {

    /** What {@code /debug-rag} passes on: the query and the chat's metadata filters. */
    private static final List<String> DEBUG_RAG_PARAMETERS = List.of("query", "speaker", "topic", "file_id", "document_type",
            "filename");

    private final TenantResolver tenants;
    private final ServiceProxy proxy;
    private final URI tenantAdmin;
    private final URI debugRag;

    AdminController(TenantResolver tenants, ServiceProxy proxy, GatewayProperties gateway) {
        this.tenants = tenants;
        this.proxy = proxy;
        this.tenantAdmin = gateway.tenantAdmin();
        this.debugRag = gateway.queryApi().resolve("/internal/debug-rag");
    }

    /**
     * {@code GET /debug-rag?tenant=<id>[&query=…]} (the seed's {@code debug-rag.php}), behind the
     * tenant's admin key: answered by the query API, which is passed the query and the chat's
     * metadata filters, nothing else.
     */
    @GetMapping("/debug-rag")
    ResponseEntity<byte[]> debugRag(HttpServletRequest request) {
        Tenant tenant = tenants.resolve(request, null);
        tenants.requireEnabled(tenant, "admin");
        tenants.requireKey(request, tenant.adminApiKey());
        StringBuilder passed = new StringBuilder();
        for (String name : DEBUG_RAG_PARAMETERS) {
            String value = request.getParameter(name);
            if (value != null) {
                passed.append(passed.isEmpty() ? '?' : '&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return proxy.forward(HttpMethod.GET, URI.create(debugRag + passed.toString()), tenant, null, null);
    }

    @RequestMapping({"/admin", "/admin/**"})
    ResponseEntity<byte[]> admin(HttpServletRequest request) throws IOException {
        Tenant tenant = tenants.resolve(request, null);
        tenants.requireEnabled(tenant, "admin");
        tenants.requireKey(request, tenant.adminApiKey());
        String query = request.getQueryString();
        URI target = URI.create(tenantAdmin.toString().replaceAll("/$", "")
                + UriUtils.encodePath(request.getServletPath(), StandardCharsets.UTF_8) + (query == null ? "" : "?" + query));
        String type = request.getContentType();
        return proxy.forward(HttpMethod.valueOf(request.getMethod()), target, tenant,
                type == null ? null : MediaType.parseMediaType(type), request.getInputStream().readAllBytes());
    }

    @GetMapping("/admin-dashboard")
    ResponseEntity<byte[]> dashboard(HttpServletRequest request) {
        Tenant tenant = tenants.resolve(request, null);
        tenants.requireEnabled(tenant, "admin");
        tenants.requireBasic(request, tenant, "ADMIN_USERNAME", "ADMIN_PASSWORD", "ragstream admin " + tenant.id().value(),
                "Invalid dashboard credentials");
        ResponseEntity<byte[]> page = proxy.forward(HttpMethod.GET, tenantAdmin.resolve("/admin/dashboard"), tenant, null, null);
        return ResponseEntity.status(page.getStatusCode()).headers(page.getHeaders())
                .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; "
                        + "form-action 'self'; base-uri 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .body(page.getBody());
    }

    /** The admin API's OpenAPI description (public: it describes, it holds no data). */
    @GetMapping("/v3/api-docs")
    ResponseEntity<byte[]> apiDocs() {
        return proxy.forward(HttpMethod.GET, tenantAdmin.resolve("/v3/api-docs"), null, null, null);
    }
}
