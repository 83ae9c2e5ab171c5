/** Metric naming: every meter of tenant work carries a {@code tenant} tag. */
package dev.ragstream.platform.metrics;
