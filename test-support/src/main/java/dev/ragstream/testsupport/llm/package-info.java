/** A local server that speaks the OpenAI chat completions and Anthropic messages APIs, streaming or not, with scripted answers and failures and recorded requests. */
package dev.ragstream.testsupport.llm;
