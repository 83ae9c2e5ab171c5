/** Indexing: embeds DocumentChunked batches and writes them, activating a version once all its chunks are in. */
package dev.ragstream.embed.indexing;
