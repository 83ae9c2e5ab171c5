-- How many chunks the version being indexed has (from its chunk events), so that a version whose
-- embedding was deferred (its provider rate-limited the tenant: chunks stored without vectors, the
-- vectors filled in later) can be activated once every chunk and vector is in.
ALTER TABLE documents ADD COLUMN total_chunks integer CHECK (total_chunks >= 0);
