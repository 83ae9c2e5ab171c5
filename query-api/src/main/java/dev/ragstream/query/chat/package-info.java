/** Chat: validates the seed's request, retrieves, answers with numbered citations and records the session history. */
package dev.ragstream.query.chat;
