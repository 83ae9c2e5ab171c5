/** Schema migrations of ragdb (per tenant) and chatdb (shared), and provisioning of those databases. */
package dev.ragstream.database;
