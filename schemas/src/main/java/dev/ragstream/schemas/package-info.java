/** Events that travel between the ragstream services, their topics and headers: plain records, no Spring, no Kafka types. */
package dev.ragstream.schemas;
