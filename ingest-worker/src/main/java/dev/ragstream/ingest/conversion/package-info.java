/**
 * Conversion of a document's bytes into markdown that keeps its headings, paragraphs and lists:
 * with docling-serve for tenants that have one, with Apache Tika otherwise and as the fallback.
 */
package dev.ragstream.ingest.conversion;
