/** Admin view of the inquiries visitors left through the customer widget (chatdb). */
package dev.ragstream.admin.inquiries;
