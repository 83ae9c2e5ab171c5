package dev.ragstream.gateway;

import dev.ragstream.platform.egress.EgressPolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Gateway settings ({@code ragstream.gateway.*}).
 *
 * @param queryApi     base URL of the query API the gateway proxies chat to
 * @param tenantAdmin  base URL of the tenant-admin service the gateway proxies {@code /admin/**} to
 * @param proxyTimeout how long an internal service may stay silent — before it answers, and between two reads
 *                     of a streamed answer; then the proxied request gets 503
 * @param trustedProxies CIDR networks of the reverse proxies whose {@code X-Forwarded-For} is believed
 *                       (empty: the socket address is the client, every forwarded header is ignored)
 * @param maxJsonBody    largest JSON body the gateway reads on routes whose body names the tenant
 *                       ({@code /chat}, {@code /customer-chat}); larger bodies get 413
 * @param maxMessageLength default of the tenant setting {@code MAX_MESSAGE_LENGTH} (characters)
 * @param blocklist      the shared IP blocklist in chatdb
 * @param rateLimits     seed defaults of the per-tenant overridable rate limits
 * @param cors           cross-origin settings (the allowed origins are per tenant)
 * @param egress         what fetching a client-supplied URL ({@code /upload} with {@code url},
 *                       {@code /media-info}) may do: defaults http/https on ports 80 and 443, at most
 *                       5 redirects, one 30 s deadline, no private hosts allow-listed
 *                       ({@code allowed-private-hosts}); the byte cap of each fetch is the tenant's
 *                       upload cap, not {@code max-body-size}
 * @param outbox         re-publishing documents stuck in {@code queued}
 * @param uploads        how many multipart uploads the gateway works on at once
 */
@Validated
@ConfigurationProperties("ragstream.gateway")
public record GatewayProperties(@NotNull @DefaultValue("http://127.0.0.1:8081") URI queryApi,
                                @NotNull @DefaultValue("http://127.0.0.1:8084") URI tenantAdmin,
                                @DefaultValue("120s") Duration proxyTimeout,
                                @DefaultValue List<@NotBlank String> trustedProxies,
                                @DefaultValue("1MB") DataSize maxJsonBody,
                                @DefaultValue("10000") @Min(1) int maxMessageLength,
                                @Valid @DefaultValue Blocklist blocklist,
                                @Valid @DefaultValue RateLimits rateLimits,
                                @Valid @DefaultValue Cors cors,
                                @DefaultValue EgressPolicy egress,
                                @Valid @DefaultValue Outbox outbox,
                                @Valid @DefaultValue Uploads uploads) {

    /**
     * A multipart upload whose declared body is at most {@code bufferedBody} is read whole first, then
     * waits for one of {@code slots} (first come, first served; 503 after {@code maxWait}) while the
     * gateway detects, stages, records and queues it. On two cores, 32 clients uploading 100 KB files
     * got p99 120 ms with 16 at work at once and 179–183 ms with all 32 sharing the cores (bench
     * gateway): requests finish in the order they came instead of each taking turns with every other.
     * Larger and chunked bodies are streamed as they arrive, without a slot: a slot is never held
     * while a client sends slowly. A {@code url} field's fetch happens within the slot (bounded by
     * the egress deadline).
     *
     * @param slots 0: eight per processor
     */
    public record Uploads(@DefaultValue("0") @Min(0) int slots,
                          @DefaultValue("256KB") DataSize bufferedBody,
                          @DefaultValue("30s") Duration maxWait) {
    }

    /**
     * The outbox sweeper: every {@code sweepInterval} it re-publishes, per tenant, up to
     * {@code batch} documents that have been {@code queued} without progress for {@code republishAfter}
     * (their event may never have reached the broker). Re-published events are harmless duplicates
     * when the first one did arrive. Staged files older than {@code orphanAfter} that no document
     * refers to (an upload interrupted between staging and recording) are deleted in the same sweep.
     */
    public record Outbox(@DefaultValue("60s") Duration sweepInterval,
                         @DefaultValue("10m") Duration republishAfter,
                         @DefaultValue("500") @Min(1) int batch,
                         @DefaultValue("1h") Duration orphanAfter) {
    }

    /**
     * The blocklist store and its rule: {@code maxFailures} failed tenant resolutions or
     * authentications of one client network within {@code window} block it for {@code blockFor}.
     *
     * @param checkCache       how long a "not blocked" answer is reused by one gateway (zero: never)
     * @param outageRetryAfter the {@code Retry-After} of the 503 answered while the store is unreachable
     */
    public record Blocklist(@NotBlank @Pattern(regexp = "jdbc:postgresql:.*")
                            @DefaultValue("jdbc:postgresql://127.0.0.1:5432/chatdb") String jdbcUrl,
                            @NotBlank @DefaultValue("chatuser") String user,
                            @DefaultValue("") String password,
                            @DefaultValue("4") @Min(1) int poolSize,
                            @DefaultValue("1s") Duration acquireTimeout,
                            @DefaultValue("3s") Duration queryTimeout,
                            @DefaultValue("10") @Min(1) int maxFailures,
                            @DefaultValue("15m") Duration window,
                            @DefaultValue("15m") Duration blockFor,
                            @DefaultValue("1s") Duration checkCache,
                            @DefaultValue("5s") Duration outageRetryAfter) {
    }

    /**
     * Requests per {@code window} (sliding), each overridable per tenant by the
     * {@code RATE_LIMIT_*_PER_MINUTE} variable named in brackets.
     *
     * @param chat               {@code POST /chat} per session and client [CHAT]
     * @param customerChat       {@code /customer-chat} per session and client [CUSTOMER_CHAT]
     * @param widgetConfig       {@code /widget-config} per client [WIDGET_CONFIG]
     * @param inquiry            inquiries left through a widget's lead form, per client [INQUIRY]
     * @param upload             {@code POST /upload} per client [UPLOAD]
     * @param mediaInfo          {@code /media-info} per client [MEDIA_INFO]
     * @param apiDebug           authentication attempts on {@code /api-debug/logs} per client [API_DEBUG]
     * @param adminDashboard     {@code /admin-dashboard} page loads (each an HTTP Basic check) per client [ADMIN_DASHBOARD]
     * @param tenant             all limited requests of one tenant together [TENANT]
     * @param unrecognisedOrigin requests with an origin the tenant does not allow, per client [UNRECOGNISED_ORIGIN]
     */
    public record RateLimits(@DefaultValue("60s") Duration window,
                             @DefaultValue("30") @Min(1) int chat,
                             @DefaultValue("30") @Min(1) int customerChat,
                             @DefaultValue("60") @Min(1) int widgetConfig,
                             @DefaultValue("5") @Min(1) int inquiry,
                             @DefaultValue("10") @Min(1) int upload,
                             @DefaultValue("10") @Min(1) int mediaInfo,
                             @DefaultValue("5") @Min(1) int apiDebug,
                             @DefaultValue("30") @Min(1) int adminDashboard,
                             @DefaultValue("600") @Min(1) int tenant,
                             @DefaultValue("10") @Min(1) int unrecognisedOrigin,
                             @DefaultValue("100000") @Min(1) int maxKeys) {
    }

    /** @param maxAge how long a browser may cache an allowed preflight */
    public record Cors(@DefaultValue("600s") Duration maxAge) {
    }
}
