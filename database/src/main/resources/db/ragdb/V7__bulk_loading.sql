-- How many chunks the version being indexed has (from its chunk events), so that a version whose
-- embedding was deferred (its provider rate-limited the tenant: chunks stored without vectors, the
-- vectors filled in later) can be activated once every chunk and vector is in.
ALTER TABLE documents ADD COLUMN total_chunks integer CHECK (total_chunks >= 0);

-- A generation's HNSW index is built in one go once its vectors are loaded (the embed worker's
-- bulk path), not grown vector by vector: an index of a generation that has no vectors yet goes,
-- and is built after the tenant's first load.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM chunk_vectors WHERE generation = 1) THEN
        DROP INDEX IF EXISTS chunk_vectors_g1_hnsw;
    END IF;
END
$$;

-- Each vector has its generation's dimension. The expression index (its cast) used to refuse
-- others; a generation without its index yet needs this check.
CREATE FUNCTION chunk_vectors_dimension_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    expected integer;
BEGIN
    SELECT dimension INTO expected FROM embedding_generations WHERE generation = NEW.generation;
    IF expected IS NOT NULL AND vector_dims(NEW.embedding) <> expected THEN
        RAISE EXCEPTION 'expected % dimensions, not %', expected, vector_dims(NEW.embedding)
            USING ERRCODE = 'data_exception';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER chunk_vectors_dimension BEFORE INSERT OR UPDATE OF embedding, generation ON chunk_vectors
    FOR EACH ROW EXECUTE FUNCTION chunk_vectors_dimension_check();
