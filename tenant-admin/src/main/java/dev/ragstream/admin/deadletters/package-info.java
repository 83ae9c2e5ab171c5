/** {@code /admin/dead-letters}: a tenant's dead-lettered pipeline events, listed from the dead-letter topics and redriven. */
package dev.ragstream.admin.deadletters;
