-- An upload request (one or more files, or a ZIP's entries) is a job; its documents carry its id.
ALTER TABLE documents ADD COLUMN job_id uuid;
CREATE INDEX documents_job_idx ON documents (job_id) WHERE job_id IS NOT NULL;
