-- When the version of a document now being indexed was queued: set by the database whenever a
-- document is inserted or gets a new version (upload, reindex, redrive), so that every path is
-- measured alike. Time to searchable = indexed_at - queued_at.
ALTER TABLE documents ADD COLUMN queued_at timestamptz;
UPDATE documents SET queued_at = created_at;

CREATE FUNCTION documents_set_queued_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.version IS DISTINCT FROM OLD.version THEN
        NEW.queued_at := now();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER documents_queued_at BEFORE INSERT OR UPDATE OF version ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_set_queued_at();
