/** Fresh, uniquely named PostgreSQL + pgvector databases on the local server, created and dropped around a test class. */
package dev.ragstream.testsupport.postgres;
