/** Hybrid retrieval: pgvector nearest neighbours and PostgreSQL full text, fused by reciprocal rank. */
package dev.ragstream.query.retrieval;
