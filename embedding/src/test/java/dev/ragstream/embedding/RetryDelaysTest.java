package dev.ragstream.embedding;

import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RetryDelaysTest {

    private static final Clock NOON = Clock.fixed(Instant.parse("2025-03-01T12:00:00Z"), ZoneOffset.UTC);
    private final RetryDelays delays = new RetryDelays(OpenAiEmbeddingOptions.defaultsFor(EmbeddingSettings.OPENAI));

    @Test
    void drawsFromZeroToAnExponentiallyGrowingCeilingCappedAt30Seconds() {
        assertThat(draws(1)).allSatisfy(wait -> assertThat(wait).isBetween(Duration.ZERO, Duration.ofMillis(500)));
        assertThat(draws(4)).allSatisfy(wait -> assertThat(wait).isBetween(Duration.ZERO, Duration.ofMillis(4000)));
        assertThat(draws(40)).allSatisfy(wait -> assertThat(wait).isBetween(Duration.ZERO, Duration.ofSeconds(30)));
        // Full jitter: the draws spread over the whole range, not around its top.
        assertThat(draws(4)).anySatisfy(wait -> assertThat(wait).isLessThan(Duration.ofMillis(1000)))
                .anySatisfy(wait -> assertThat(wait).isGreaterThan(Duration.ofMillis(3000)));
    }

    @Test
    void neverWaitsLessThanAskedNorMoreThanTheMostHonoured() {
        assertThat(delays.after(1, Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThat(delays.after(1, Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void readsRetryAfterMsFirstThenRetryAfterSecondsOrDate() {
        assertThat(RetryDelays.requested(headers(Map.of("retry-after-ms", "250.5", "Retry-After", "9")), NOON))
                .isEqualTo(Duration.ofNanos(250_500_000));
        assertThat(RetryDelays.requested(headers(Map.of("Retry-After", "9")), NOON)).isEqualTo(Duration.ofSeconds(9));
        assertThat(RetryDelays.requested(headers(Map.of("Retry-After", "Sat, 01 Mar 2025 12:00:42 GMT")), NOON))
                .isEqualTo(Duration.ofSeconds(42));
        assertThat(RetryDelays.requested(headers(Map.of("Retry-After", "Sat, 01 Mar 2025 11:00:00 GMT")), NOON))
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertThat(RetryDelays.requested(headers(Map.of()), NOON)).isNull();
        assertThat(RetryDelays.requested(headers(Map.of("Retry-After", "soon")), NOON)).isNull();
        assertThat(RetryDelays.requested(headers(Map.of("retry-after-ms", "-3", "Retry-After", "2")), NOON))
                .isEqualTo(Duration.ofSeconds(2));
    }

    private List<Duration> draws(int attempt) {
        return IntStream.range(0, 400).mapToObj(i -> delays.after(attempt, null)).toList();
    }

    private static HttpHeaders headers(Map<String, String> values) {
        Map<String, List<String>> lists = new java.util.HashMap<>();
        values.forEach((name, value) -> lists.put(name, List.of(value)));
        return HttpHeaders.of(lists, (name, value) -> true);
    }
}
