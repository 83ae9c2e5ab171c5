/** The customer widget: its settings from chatdb (public subset, tone prompt, lead form) and the inquiries visitors leave. */
package dev.ragstream.query.widget;
