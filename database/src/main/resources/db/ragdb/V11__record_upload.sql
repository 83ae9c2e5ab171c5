-- Records one uploaded file in one round trip (it took five: locks, duplicate lookup, same-name
-- lookup, insert, commit; under load the gateway's few connections were held mostly waiting for
-- the next of them). Bytes the tenant already has (same SHA-256, not deleted or failed) are a
-- duplicate and change nothing. A file from the same origin (an upload's file name, a URL import's
-- URL) as an existing document becomes that document's next version. Identical contents and
-- origins are serialised across concurrent uploads by transaction-scoped advisory locks, taken in
-- one order (contents, then origin) so that two uploads cannot deadlock. In READ COMMITTED every
-- statement of this function sees what was committed before it began, so the lookups see the rows
-- of an upload that held the same lock.
CREATE FUNCTION record_upload(p_id uuid, p_job uuid, p_filename text, p_content_type text, p_size_bytes bigint,
                              p_sha256 text, p_source text, p_origin text, p_metadata jsonb, p_staged_at text,
                              p_accepted_at timestamptz,
                              OUT document_id uuid, OUT version int, OUT duplicate boolean, OUT status text)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('sha256:' || p_sha256, 0)),
            pg_advisory_xact_lock(hashtextextended(p_source || ':' || p_origin, 0));
    SELECT d.id, d.status INTO document_id, status
    FROM documents d
    WHERE d.sha256 = p_sha256::char(64) AND d.status NOT IN ('deleted', 'failed')
    ORDER BY d.created_at LIMIT 1;
    IF FOUND THEN
        version := 0;
        duplicate := true;
        RETURN;
    END IF;
    duplicate := false;
    status := 'queued';
    SELECT d.id INTO document_id
    FROM documents d
    WHERE d.source = p_source
      AND (CASE WHEN d.source = 'url' THEN d.metadata->>'source_url' ELSE d.filename END) = p_origin
      AND d.status <> 'deleted'
    ORDER BY d.created_at DESC LIMIT 1
    FOR UPDATE;
    IF FOUND THEN
        UPDATE documents d
        SET version = d.version + 1, status = 'queued', reason = NULL, markdown = NULL, job_id = p_job,
            filename = p_filename, content_type = p_content_type, size_bytes = p_size_bytes, sha256 = p_sha256,
            metadata = p_metadata, staged_at = p_staged_at, updated_at = p_accepted_at
        WHERE d.id = document_id
        RETURNING d.version INTO version;
    ELSE
        INSERT INTO documents (id, job_id, filename, content_type, size_bytes, sha256, source, metadata, status,
                               version, staged_at, created_at, updated_at)
        VALUES (p_id, p_job, p_filename, p_content_type, p_size_bytes, p_sha256, p_source, p_metadata, 'queued',
                1, p_staged_at, p_accepted_at, p_accepted_at);
        document_id := p_id;
        version := 1;
    END IF;
END
$$;
