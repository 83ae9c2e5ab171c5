-- Full-text search in each chunk's own language configuration (the tenant's DOCUMENT_LANGUAGE when
-- the chunk was written), instead of always English. Existing chunks stay English.
DROP INDEX chunks_content_tsv_idx;
ALTER TABLE chunks DROP COLUMN content_tsv;
ALTER TABLE chunks ADD COLUMN ts_config regconfig NOT NULL DEFAULT 'english';
ALTER TABLE chunks ADD COLUMN content_tsv tsvector GENERATED ALWAYS AS
    (to_tsvector(ts_config, coalesce(heading_path, '') || ' ' || content)) STORED;
CREATE INDEX chunks_content_tsv_idx ON chunks USING gin (content_tsv);
