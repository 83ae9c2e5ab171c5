package dev.ragstream.gateway.upload;

import dev.ragstream.gateway.GatewayProperties;
import dev.ragstream.gateway.abuse.CachedBodyRequest;
import dev.ragstream.platform.web.ApiException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * The slots in which the gateway works on small multipart uploads, first come, first served (see
 * {@link GatewayProperties.Uploads}): a small body is read whole before its upload queues for a slot.
 */
@Component
class UploadSlots {

    private static final int RETRY_AFTER_SECONDS = 5;

    private final Semaphore slots;
    private final long bufferedBody;
    private final long maxWaitNanos;

    /** Meters {@code ragstream_gateway_upload_slots_busy} and {@code ragstream_gateway_upload_slots_waiting}. */
    UploadSlots(GatewayProperties gateway, MeterRegistry meters) {
        GatewayProperties.Uploads uploads = gateway.uploads();
        int count = uploads.slots() > 0 ? uploads.slots() : 8 * Runtime.getRuntime().availableProcessors();
        this.slots = new Semaphore(count, true);
        this.bufferedBody = Math.min(uploads.bufferedBody().toBytes(), Integer.MAX_VALUE - 8); // read into one array
        this.maxWaitNanos = uploads.maxWait().toNanos();
        Gauge.builder("ragstream.gateway.upload.slots.busy", slots, s -> count - s.availablePermits())
                .description("Slots of small uploads being worked on").register(meters);
        Gauge.builder("ragstream.gateway.upload.slots.waiting", slots, Semaphore::getQueueLength)
                .description("Small uploads waiting for a slot").register(meters);
    }

    /** The request to work on, and the slot (if it took one) given back on close. */
    record Slot(HttpServletRequest request, Semaphore taken) implements AutoCloseable {
        @Override
        public void close() {
            if (taken != null) {
                taken.release();
            }
        }
    }

    /**
     * Reads a small body whole, then waits for a slot; a larger or chunked one is worked on as it
     * streams in, without one.
     * @throws IOException the client went away while sending the body
     * @throws ApiException 503 when no slot frees up within the configured wait
     */
    Slot enter(HttpServletRequest request) throws IOException {
        long length = request.getContentLengthLong();
        if (length < 0 || length > bufferedBody) {
            return new Slot(request, null);
        }
        byte[] body = new byte[(int) length]; // read into one array: readNBytes(length) gathers 8 KB pieces, then copies them
        int read = request.getInputStream().readNBytes(body, 0, body.length);
        HttpServletRequest buffered = new CachedBodyRequest(request, read == body.length ? body : Arrays.copyOf(body, read));
        try {
            if (!slots.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        return new Slot(buffered, slots);
    }

    private static ApiException busy() {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "uploads-busy",
                "The gateway is busy with other uploads; please retry", RETRY_AFTER_SECONDS);
    }
}
