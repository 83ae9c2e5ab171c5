package dev.ragstream.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({"30d, PT720H", "12h, PT12H", "45m, PT45M", "90s, PT1M30S", "2w, PT336H", "P30D, PT720H",
            "PT12H, PT12H", "p1dt2h, PT26H", "' 7D ', PT168H"})
    void readsShortFormsAndIso8601(String text, String expected) {
        assertThat(DurationConverter.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "30", "d", "30 days", "-1d", "0d", "PT0S", "P-1D", "1y", "P1M", "30d12h", "1.5h"})
    void refusesAnythingElseNamingTheInput(String text) {
        assertThatThrownBy(() -> DurationConverter.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void formatsInTheLargestExactUnit() {
        assertThat(DurationConverter.format(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(DurationConverter.format(Duration.ofHours(36))).isEqualTo("36h");
        assertThat(DurationConverter.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(DurationConverter.format(Duration.ofSeconds(61))).isEqualTo("61s");
    }
}
