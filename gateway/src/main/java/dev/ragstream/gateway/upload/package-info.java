/** Uploads: stage the bytes, record the document as queued (the outbox row), publish DocumentUploaded; and document status. */
package dev.ragstream.gateway.upload;
