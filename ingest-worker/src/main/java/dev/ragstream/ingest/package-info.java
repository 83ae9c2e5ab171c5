/** The ingest worker: staged uploads become markdown, markdown becomes chunks for the embed worker. */
package dev.ragstream.ingest;
