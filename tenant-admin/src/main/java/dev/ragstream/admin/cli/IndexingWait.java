package dev.ragstream.admin.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Polls the gateway's upload status of imported documents until each is indexed or failed. */
final class IndexingWait {

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Set<String> FAILED = Set.of("failed", "deleted");

    private final GatewayUploads uploads;
    private final boolean redraw;
    private final Duration timeout;

    IndexingWait(GatewayUploads uploads, boolean redraw, Duration timeout) {
        this.uploads = uploads;
        this.redraw = redraw;
        this.timeout = timeout;
    }

    /**
     * Waits for the documents ({@code document id -> file}).
     * @return the files that failed, with the reason the gateway gives; empty when all were indexed
     * @throws IllegalStateException when the timeout passes first, or the gateway becomes unreachable
     */
    Map<Path, String> await(Map<String, Path> documents) {
        Map<String, Path> pending = new LinkedHashMap<>(documents);
        Map<Path, String> failed = new LinkedHashMap<>();
        Map<String, String> states = new HashMap<>();
        ProgressBar progress = new ProgressBar(System.err, redraw, documents.size());
        long deadline = System.nanoTime() + timeout.toNanos();
        int shown = -1;
        try {
            while (true) {
                poll(pending, failed, states);
                int done = documents.size() - pending.size();
                if (done != shown) {
                    progress.step(done, "indexed or failed");
                    shown = done;
                }
                if (pending.isEmpty()) {
                    return failed;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("gave up waiting after " + DurationConverter.format(timeout) + ": "
                            + pending.size() + " documents not yet indexed (" + pendingStates(pending, states) + ")");
                }
                pause();
            }
        } finally {
            progress.finish();
        }
    }

    /**
     * Asks once for each pending document. Indexed and failed ones leave {@code pending}; a 5xx
     * or a broken connection is retried on the next round, any other refusal counts as failed.
     */
    private void poll(Map<String, Path> pending, Map<Path, String> failed, Map<String, String> states) {
        for (Map.Entry<String, Path> document : Map.copyOf(pending).entrySet()) {
            GatewayUploads.Reply reply = status(document.getKey());
            String state = reply.state() != null ? reply.state() : reply.status() == 0 ? "no answer" : "HTTP " + reply.status();
            states.put(document.getKey(), state);
            boolean transientError = reply.status() == 0 || reply.status() >= 500;
            if (reply.status() == 200 && "indexed".equals(state)) {
                pending.remove(document.getKey());
            } else if ((reply.status() != 200 && !transientError) || FAILED.contains(state)) {
                pending.remove(document.getKey());
                failed.put(document.getValue(), reply.error() != null ? reply.error() : state);
            }
        }
    }

    private GatewayUploads.Reply status(String documentId) {
        try {
            return uploads.status(documentId);
        } catch (IOException e) {
            return new GatewayUploads.Reply(0, documentId, null, GatewayUploads.reason(e));
        }
    }

    private static String pendingStates(Map<String, Path> pending, Map<String, String> states) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        pending.keySet().forEach(id -> counts.merge(states.getOrDefault(id, "unknown"), 1, Integer::sum));
        return counts.toString().replaceAll("[{}]", "");
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for indexing", e);
        }
    }
}
