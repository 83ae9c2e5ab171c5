package dev.ragstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobEtaTest {

    private static final Instant START = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void theRestTakesAsLongPerDocumentAsTheFinishedOnesDid() {
        List<Map<String, Object>> job = List.of(doc("indexed", 0), doc("failed", 1), doc("embedding", 2), doc("queued", 3),
                doc("queued", 4), doc("queued", 5));

        // 2 of 6 finished in the 60 s since the first was accepted: 30 s each for the 4 left
        assertThat(UploadController.eta(job, START.plusSeconds(60))).hasValue(120);
    }

    @Test
    void noEstimateBeforeTheFirstDocumentFinishesOrAfterTheLast() {
        assertThat(UploadController.eta(List.of(doc("queued", 0), doc("converting", 1)), START.plusSeconds(9))).isEmpty();
        assertThat(UploadController.eta(List.of(doc("indexed", 0), doc("failed", 1)), START.plusSeconds(9))).isEmpty();
    }

    private static Map<String, Object> doc(String status, int acceptedSecond) {
        return Map.of("status", status, "created_at", START.plusSeconds(acceptedSecond).toString());
    }
}
