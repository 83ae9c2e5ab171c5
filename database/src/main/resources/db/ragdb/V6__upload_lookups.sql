-- The two lookups every upload makes, indexed so that their cost follows the documents in flight
-- and the matching names, not the size of the tenant's library (both were sequential scans):
-- the queue quota's count of documents still in the pipeline, and the document an upload of the
-- same file name (or URL import of the same URL) becomes a new version of.
CREATE INDEX documents_in_flight_idx ON documents (status)
    WHERE status IN ('queued', 'converting', 'chunking', 'embedding');
CREATE INDEX documents_origin_idx
    ON documents (source, (CASE WHEN source = 'url' THEN metadata->>'source_url' ELSE filename END), created_at DESC)
    WHERE status <> 'deleted';
