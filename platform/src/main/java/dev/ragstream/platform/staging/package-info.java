/** Where upload bytes wait between the gateway and the ingest worker (they never travel through Kafka). */
package dev.ragstream.platform.staging;
