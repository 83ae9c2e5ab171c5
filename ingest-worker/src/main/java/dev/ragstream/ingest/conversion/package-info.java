/** Conversion of a document's bytes into markdown that keeps its headings, paragraphs and lists. */
package dev.ragstream.ingest.conversion;
