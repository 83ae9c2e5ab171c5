/** What every admin endpoint shares: the tenant the gateway authenticated, paging, database errors. */
package dev.ragstream.admin.web;
