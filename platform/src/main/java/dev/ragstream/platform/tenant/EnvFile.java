package dev.ragstream.platform.tenant;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a dotenv file as the PHP system wrote them: {@code KEY=value} lines, {@code #} comments,
 * optional {@code export } prefix, optional single or double quotes around the value.
 */
public final class EnvFile {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvFile() {
    }

    /**
     * @throws MalformedEnvException naming the line number (never the line, which may hold a secret)
     * @throws IOException when the file cannot be read
     */
    public static Map<String, String> read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static Map<String, String> parse(List<String> lines) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip();
            if (eq < 0 || !KEY.matcher(key).matches()) {
                throw new MalformedEnvException("line " + (i + 1) + " is not KEY=value");
            }
            values.put(key, unquote(line.substring(eq + 1).strip(), i + 1));
        }
        return values;
    }

    private static String unquote(String raw, int lineNo) {
        if (raw.startsWith("\"") || raw.startsWith("'")) {
            char quote = raw.charAt(0);
            int end = raw.indexOf(quote, 1);
            if (end < 0) {
                throw new MalformedEnvException("line " + lineNo + " has an unterminated quote");
            }
            String value = raw.substring(1, end);
            return quote == '"' ? value.replace("\\n", "\n") : value;
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }

    /** A .env file that cannot be parsed. */
    public static final class MalformedEnvException extends IllegalArgumentException {
        MalformedEnvException(String message) {
            super(message);
        }
    }
}
