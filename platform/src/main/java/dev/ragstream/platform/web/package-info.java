/** HTTP conventions: RFC 9457 problem+json errors that also carry the PHP clients' {@code error} field. */
package dev.ragstream.platform.web;
