package dev.ragstream.admin.cli;

import dev.ragstream.platform.tenant.EnvFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Changes variables of an existing {@code .env} in place. Every other line, comment, blank and
 * line ending stays byte for byte, and so do the file's permissions, owner and group.
 */
final class EnvEditor {

    private static final Pattern ASSIGNMENT = Pattern.compile("(\\s*(?:export\\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\\s*=\\s*)(.*)");

    private EnvEditor() {
    }

    /**
     * Sets {@code values} in {@code file} atomically: the new content goes to a temporary file next
     * to it, is read back and checked, then renamed over the original, so a reader (such as the
     * tenant registry) sees either the old or the new file, never a half-written one.
     * @throws IOException when the file cannot be read or written (the original is then unchanged)
     * @throws IllegalStateException when the file changed meanwhile or the new content does not read back
     */
    static void update(Path file, Map<String, String> values) throws IOException {
        String before = Files.readString(file, StandardCharsets.UTF_8);
        byte[] after = replace(before, values).getBytes(StandardCharsets.UTF_8);
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
        Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(after));
                channel.force(true);
            }
            keepOwnership(temp, attributes);
            Files.setPosixFilePermissions(temp, attributes.permissions());
            Map<String, String> readBack = EnvFile.read(temp);
            values.forEach((key, value) -> {
                if (!Objects.equals(readBack.get(key), value)) {
                    throw new IllegalStateException(key + " would not read back from " + file + "; nothing was changed");
                }
            });
            if (!before.equals(Files.readString(file, StandardCharsets.UTF_8))) {
                throw new IllegalStateException(file + " changed meanwhile; nothing was changed, try again");
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * {@code content} with the value of every line that assigns one of {@code values} replaced
     * (an {@code export} prefix, the spacing and a trailing comment are kept); variables it does
     * not assign are appended at the end.
     * @throws IllegalArgumentException when a value cannot be written to a .env file
     */
    static String replace(String content, Map<String, String> values) {
        Map<String, String> missing = new LinkedHashMap<>(values);
        StringBuilder out = new StringBuilder(content.length() + 64);
        int start = 0;
        while (start < content.length()) {
            int newline = content.indexOf('\n', start);
            int end = newline < 0 ? content.length() : newline + 1;
            String raw = content.substring(start, end);
            String ending = raw.endsWith("\r\n") ? "\r\n" : raw.endsWith("\n") ? "\n" : "";
            String line = raw.substring(0, raw.length() - ending.length());
            Matcher m = ASSIGNMENT.matcher(line);
            if (m.matches() && values.containsKey(m.group(2))) {
                String key = m.group(2);
                line = m.group(1) + key + m.group(3) + EnvTemplate.quoted(key, values.get(key)) + trailingComment(m.group(4));
                missing.remove(key);
            }
            out.append(line).append(ending);
            start = end;
        }
        if (!missing.isEmpty() && out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
        missing.forEach((key, value) -> out.append(key).append('=').append(EnvTemplate.quoted(key, value)).append('\n'));
        return out.toString();
    }

    /** What follows the value on its line, as EnvFile reads it: after a closing quote, or from " #" on. */
    private static String trailingComment(String rawValue) {
        if (rawValue.startsWith("\"") || rawValue.startsWith("'")) {
            int close = rawValue.indexOf(rawValue.charAt(0), 1);
            return close < 0 ? "" : rawValue.substring(close + 1);
        }
        int comment = rawValue.indexOf(" #");
        return comment < 0 ? "" : rawValue.substring(comment);
    }

    private static void keepOwnership(Path temp, PosixFileAttributes original) throws IOException {
        PosixFileAttributes created = Files.readAttributes(temp, PosixFileAttributes.class);
        if (!created.group().equals(original.group())) {
            Files.getFileAttributeView(temp, PosixFileAttributeView.class).setGroup(original.group());
        }
        if (!created.owner().equals(original.owner())) {
            Files.setOwner(temp, original.owner());
        }
    }
}
