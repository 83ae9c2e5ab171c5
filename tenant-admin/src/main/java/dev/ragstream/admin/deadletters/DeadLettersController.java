package dev.ragstream.admin.deadletters;

import dev.ragstream.admin.web.AdminRequests;
import dev.ragstream.admin.web.AdminRequests.Page;
import dev.ragstream.platform.kafka.RetryableException;
import dev.ragstream.platform.metrics.TenantMetrics;
import dev.ragstream.platform.tenant.Tenant;
import dev.ragstream.platform.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /admin/dead-letters}: the tenant's dead letters — only records whose {@code tenant-id}
 * header names it — and their redrive. See {@link DeadLetterRedriver} for what a redrive does.
 */
@RestController
class DeadLettersController {

    private final AdminRequests requests;
    private final DeadLetterReader reader;
    private final DeadLetterRedriver redriver;
    private final TenantMetrics metrics;

    DeadLettersController(AdminRequests requests, DeadLetterReader reader, DeadLetterRedriver redriver, TenantMetrics metrics) {
        this.requests = requests;
        this.reader = reader;
        this.redriver = redriver;
        this.metrics = metrics;
    }

    /** Oldest first, per topic ({@code rag.uploads.v1-dlt}, then {@code rag.chunks.v1-dlt}) and partition. */
    @GetMapping("/admin/dead-letters")
    Map<String, Object> list(HttpServletRequest request, @RequestParam(required = false) Integer page,
                             @RequestParam(required = false) Integer size) {
        Page paging = Page.of(page, size);
        Tenant tenant = requests.tenant(request);
        List<DeadLetter> letters = reader.read(tenant.id());
        List<Map<String, Object>> items = letters.stream().skip(paging.offset()).limit(paging.size()).map(DeadLetter::view).toList();
        return paging.answer(items, letters.size());
    }

    /**
     * Redrives every dead letter of the tenant, or the one given by {@code id}
     * ({@code <topic>:<partition>:<offset>}) or by {@code offset} (with {@code topic} when both topics have it).
     */
    @PostMapping("/admin/dead-letters/redrive")
    Map<String, Object> redrive(HttpServletRequest request, @RequestParam(required = false) String id,
                                @RequestParam(required = false) Long offset, @RequestParam(required = false) String topic) {
        Tenant tenant = requests.tenant(request);
        List<DeadLetter> chosen = reader.read(tenant.id()).stream()
                .filter(l -> id == null || l.id().equals(id))
                .filter(l -> offset == null || l.offset() == offset)
                .filter(l -> topic == null || l.topic().equals(topic))
                .toList();
        boolean one = id != null || offset != null;
        if (one && chosen.isEmpty()) {
            throw AdminRequests.notFound("Dead letter");
        }
        if (one && chosen.size() > 1) {
            throw ApiException.badRequest("ambiguous-dead-letter", chosen.size() + " dead letters have offset " + offset
                    + "; name one by id (" + String.join(", ", chosen.stream().map(DeadLetter::id).toList()) + ")");
        }
        List<Map<String, Object>> outcomes = new ArrayList<>();
        int redriven = 0;
        for (DeadLetter letter : chosen) {
            DeadLetterRedriver.Outcome outcome = redrive(tenant, letter);
            metrics.count("dead.letters.redrives", tenant.id().value(), "outcome", outcome.outcome());
            redriven += outcome.version() == null ? 0 : 1;
            outcomes.add(outcome.view());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("items", outcomes);
        answer.put("redriven", redriven);
        answer.put("skipped", outcomes.size() - redriven);
        return answer;
    }

    private DeadLetterRedriver.Outcome redrive(Tenant tenant, DeadLetter letter) {
        try {
            return redriver.redrive(tenant, letter);
        } catch (RetryableException e) {
            throw ApiException.unavailable("kafka-unavailable", "Kafka did not accept the redriven event of dead letter "
                    + letter.id() + "; it was left as it was, please retry");
        }
    }
}
