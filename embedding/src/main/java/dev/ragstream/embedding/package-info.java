/**
 * Turns text into unit-length vectors, with a local ONNX model or an OpenAI or OpenAI-compatible
 * server, and counts tokens the way the local model sees them.
 */
package dev.ragstream.embedding;
