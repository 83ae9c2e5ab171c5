package dev.ragstream.admin.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The terminal the CLI runs in, as far as commands need to know: whether someone can answer a
 * question on stdin, whether stderr can show a line redrawn in place, and the answers typed.
 */
interface Terminal {

    /** True when stdin is a terminal, so a question can be answered; false for pipes, files and /dev/null. */
    boolean interactive();

    /** True when stderr is a terminal, so a progress line can be redrawn with {@code \r}. */
    boolean redrawable();

    /** The next line typed on stdin, without its line break; null at end of input. */
    String readLine() throws IOException;

    /** The process's own stdin and stderr. */
    static Terminal system() {
        return new SystemTerminal();
    }

    /** Asks the operating system: on Linux through /proc, elsewhere through {@link System#console()}. */
    final class SystemTerminal implements Terminal {

        private BufferedReader stdin;

        @Override
        public boolean interactive() {
            return isTerminal(0);
        }

        @Override
        public boolean redrawable() {
            return isTerminal(2);
        }

        @Override
        public synchronized String readLine() throws IOException {
            if (stdin == null) {
                stdin = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
            }
            return stdin.readLine();
        }

        private static boolean isTerminal(int fd) {
            Path link = Path.of("/proc/self/fd/" + fd);
            if (!Files.isDirectory(Path.of("/proc/self/fd"))) {
                return System.console() != null;
            }
            try {
                String target = Files.readSymbolicLink(link).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
    }
}
