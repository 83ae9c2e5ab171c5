package dev.ragstream.admin.cli;

import java.util.List;

/** The one line a CLI user sees for a failure: driver and Flyway messages span several. */
final class ErrorLine {

    private ErrorLine() {
    }

    /**
     * The first line of the message, followed by the database's own words when Flyway put them on
     * a later {@code Message : ...} line (its first line then only says which migration failed).
     */
    static String of(Throwable e) {
        String message = e.getMessage();
        List<String> lines = message == null ? List.of() : message.lines().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.matches("-+")).toList();
        if (lines.isEmpty()) {
            return e.getClass().getSimpleName();
        }
        String first = lines.get(0);
        return lines.stream().skip(1)
                .filter(line -> line.matches("Message\\s*:.*"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip())
                .filter(reason -> !reason.isEmpty() && !first.contains(reason))
                .findFirst().map(reason -> first + ": " + reason).orElse(first);
    }
}
