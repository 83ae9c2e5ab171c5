package dev.ragstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.platform.web.ApiException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;

class UploadSlotsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final UploadSlots slots = new UploadSlots(new Binder(new MapConfigurationPropertySource(Map.of(
            "ragstream.gateway.uploads.slots", "1", "ragstream.gateway.uploads.buffered-body", "1KB",
            "ragstream.gateway.uploads.max-wait", "300ms"))).bindOrCreate("ragstream.gateway", GatewayProperties.class), meters);

    @Test
    void aSmallBodyIsReadWholeBeforeItsUploadTakesASlot() throws IOException {
        MockHttpServletRequest original = request("x".repeat(1024));

        try (UploadSlots.Slot slot = slots.enter(original)) {
            assertThat(original.getInputStream().read()).isEqualTo(-1); // the client's body is read
            assertThat(slot.request().getInputStream().readAllBytes()).isEqualTo(original.getContentAsByteArray());
            assertThat(slot.taken()).isNotNull();
        }
    }

    @Test
    void anUploadWaitsForAFreeSlotAndIsToldToRetryWhenNoneFreesUp() throws Exception {
        UploadSlots.Slot first = slots.enter(request("first"));

        assertThatThrownBy(() -> slots.enter(request("second"))).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            assertThat(e.toProblem().getType().toString()).endsWith("/uploads-busy");
            assertThat(e.retryAfterSeconds()).isEqualTo(5);
        });

        CompletableFuture<UploadSlots.Slot> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return slots.enter(request("third"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.get("ragstream.gateway.upload.slots.waiting").gauge().value() == 1);
        assertThat(waiting).isNotDone();
        assertThat(meters.get("ragstream.gateway.upload.slots.busy").gauge().value()).isEqualTo(1);
        first.close();
        try (UploadSlots.Slot third = waiting.get(5, TimeUnit.SECONDS)) {
            assertThat(third.request().getInputStream().readAllBytes()).asString(StandardCharsets.UTF_8).isEqualTo("third");
            assertThat(meters.get("ragstream.gateway.upload.slots.waiting").gauge().value()).isZero();
        }
        assertThat(meters.get("ragstream.gateway.upload.slots.busy").gauge().value()).isZero();
    }

    @Test
    void largeAndChunkedBodiesStreamWithoutASlot() throws IOException {
        UploadSlots.Slot held = slots.enter(request("small"));
        MockHttpServletRequest large = request("x".repeat(1025));
        MockHttpServletRequest chunked = new MockHttpServletRequest() {
            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        chunked.setContent("y".getBytes(StandardCharsets.UTF_8));

        try (UploadSlots.Slot slot = slots.enter(large)) {
            assertThat(slot.request()).isSameAs(large);
            assertThat(slot.taken()).isNull();
            assertThat(large.getInputStream().read()).isEqualTo('x'); // nothing read yet
        }
        try (UploadSlots.Slot slot = slots.enter(chunked)) {
            assertThat(slot.request()).isSameAs(chunked);
            assertThat(slot.taken()).isNull();
        }
        held.close();
    }

    private static MockHttpServletRequest request(String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/upload");
        request.setContentType("multipart/form-data; boundary=b");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }
}
