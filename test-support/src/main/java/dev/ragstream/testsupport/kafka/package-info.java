/** A real single-node Apache Kafka broker (KRaft, broker and controller combined) running inside the test or standalone JVM. */
package dev.ragstream.testsupport.kafka;
