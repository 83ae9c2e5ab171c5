/** One JVM running the in-JVM Kafka broker and all five services: the default {@code bin/ragstream up} starts. */
package dev.ragstream.standalone;
