/** The one way the product fetches a URL it was given: SSRF-checked on every hop, bounded in time and size. */
package dev.ragstream.platform.egress;
