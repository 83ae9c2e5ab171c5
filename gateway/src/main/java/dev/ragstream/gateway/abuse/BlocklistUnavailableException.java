package dev.ragstream.gateway.abuse;

/** The blocklist store did not answer (connection refused, pool exhausted, query timed out …). */
final class BlocklistUnavailableException extends Exception {

    BlocklistUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
