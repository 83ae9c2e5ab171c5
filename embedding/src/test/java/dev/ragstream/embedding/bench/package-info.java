/** A throughput benchmark for the embedding model, run by hand rather than by the test suite. */
package dev.ragstream.embedding.bench;
