/** The tenants' language models (OpenAI, Anthropic Claude, OpenAI-compatible servers) through LangChain4j, with retries and a circuit breaker per provider. */
package dev.ragstream.query.llm;
