/** Chunking of markdown along headings, paragraphs and sentences within the embedding model's token window. */
package dev.ragstream.ingest.chunking;
