/** Turns text into unit-length vectors with a local ONNX model and counts tokens the way that model sees them. */
package dev.ragstream.embedding;
