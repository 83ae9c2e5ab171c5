/** The ingest pipeline: consumes DocumentUploaded, records progress in the tenant's ragdb, publishes DocumentChunked. */
package dev.ragstream.ingest.pipeline;
