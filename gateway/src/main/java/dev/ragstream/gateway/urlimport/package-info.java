/** Importing a client-supplied URL: fetch it through the SSRF-safe egress client, read pages and caption tracks, describe media. */
package dev.ragstream.gateway.urlimport;
