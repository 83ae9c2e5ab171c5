package dev.ragstream.admin.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class DltTableTest {

    @Test
    void columnsAreAsWideAsTheirWidestCellAndControlCharactersCannotForgeLines() {
        DltTable table = new DltTable("ID", "REASON", "AT");
        table.add("rag.uploads.v1-dlt:0:12", "corrupt\nforged", "now");
        table.add("x", "y", "z");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        table.print(new PrintStream(out, true, UTF_8));

        assertThat(out.toString(UTF_8).lines()).containsExactly(
                "ID                       REASON          AT",
                "rag.uploads.v1-dlt:0:12  corrupt?forged  now",
                "x                        y               z");
    }
}
