/** Helpers of the local HTTP servers that stand in for remote APIs in tests. */
package dev.ragstream.testsupport.http;
