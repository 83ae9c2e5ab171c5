package dev.ragstream.gateway.urlimport;

import dev.ragstream.gateway.tenancy.TenantResolver;
import dev.ragstream.platform.tenant.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /media-info} with a JSON body {@code {"url": "…"}} (a body, not a query parameter, so
 * URLs carrying tokens stay out of access logs): describes the URL without ingesting it. Tenant from
 * the query {@code tenant} or {@code X-Tenant-ID}; {@code UPLOAD_API_KEY};
 * {@code ENDPOINT_MEDIA_INFO_ENABLED}. Only the first {@value UrlImporter#SCAN_BYTES} bytes of a
 * page and the first bytes of a file are read. Errors as {@code /upload} with a URL.
 */
@RestController
class MediaInfoController {

    private static final Logger log = LoggerFactory.getLogger(MediaInfoController.class);

    private final TenantResolver tenants;
    private final UrlImporter importer;
    private final DocumentTypes types;

    MediaInfoController(TenantResolver tenants, UrlImporter importer, DocumentTypes types) {
        this.tenants = tenants;
        this.importer = importer;
        this.types = types;
    }

    @PostMapping("/media-info")
    Map<String, Object> describe(HttpServletRequest request) {
        Tenant tenant = tenants.resolve(request, null);
        tenants.requireEnabled(tenant, "media_info");
        tenants.requireKey(request, tenant.uploadApiKey());
        MediaInfo info = importer.describe(UrlRequests.jsonUrl(request), types);
        log.info("Tenant {}: described a URL of {} as {}", tenant.id(), info.url().getHost(), info.kind());
        return info.toJson();
    }
}
