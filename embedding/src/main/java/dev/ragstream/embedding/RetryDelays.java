package dev.ragstream.embedding;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before the next attempt: exponential backoff with full jitter, so that many
 * clients failing together do not retry together, but never less than the server asked for.
 */
final class RetryDelays {

    private final Duration base;
    private final Duration cap;
    private final Duration maxRetryAfter;

    RetryDelays(OpenAiEmbeddingOptions options) {
        this.base = options.backoffBase();
        this.cap = options.backoffCap();
        this.maxRetryAfter = options.maxRetryAfter();
    }

    /**
     * The wait after failed attempt {@code attempt} (1 for the first): drawn evenly from zero to
     * {@code base * 2^(attempt-1)}, at most the cap; then raised to {@code retryAfter}, itself cut
     * to the most that is honoured.
     *
     * @param retryAfter what the server asked for, or null
     */
    Duration after(int attempt, Duration retryAfter) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.min(attempt - 1, 30));
        Duration drawn = Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
        if (retryAfter == null) {
            return drawn;
        }
        Duration asked = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
        return asked.compareTo(drawn) > 0 ? asked : drawn;
    }

    /**
     * What the response asks for: OpenAI's {@code retry-after-ms} (milliseconds, maybe
     * fractional), else {@code Retry-After} as seconds or an HTTP-date; null if it asks nothing
     * readable. A date in the past asks for no wait.
     */
    static Duration requested(HttpHeaders headers, Clock clock) {
        Optional<String> millis = headers.firstValue("retry-after-ms");
        if (millis.isPresent()) {
            try {
                double value = Double.parseDouble(millis.get().strip());
                if (value >= 0 && Double.isFinite(value)) {
                    return Duration.ofNanos((long) (value * 1_000_000));
                }
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        return headers.firstValue("retry-after").map(value -> parseRetryAfter(value.strip(), clock)).orElse(null);
    }

    private static Duration parseRetryAfter(String value, Clock clock) {
        if (value.matches("\\d{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            Duration until = Duration.between(clock.instant(),
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
