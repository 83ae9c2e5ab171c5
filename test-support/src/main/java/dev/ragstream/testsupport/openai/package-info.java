/** A local server that speaks the OpenAI embeddings API with deterministic vectors, scriptable failures and recorded requests. */
package dev.ragstream.testsupport.openai;
