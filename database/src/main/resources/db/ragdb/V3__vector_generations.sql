-- Vectors live per embedding generation, so that a tenant can change its embedding model (to any
-- dimension) while the old generation keeps answering, and switch in one transaction.
--
-- A generation is building (never activated, not retired), active (exactly one) or retired (its
-- vectors are kept until it is dropped, so a switch can be rolled back). Each generation has its
-- own HNSW index: an expression index on the vectors cast to the generation's dimension, partial on
-- the generation; queries name the generation and the cast as literals so the planner uses it.

ALTER TABLE embedding_generations
    ADD COLUMN provider     text        NOT NULL DEFAULT 'local',
    ADD COLUMN dimensions   integer     CHECK (dimensions >= 1),
    ADD COLUMN activated_at timestamptz,
    ADD COLUMN retired_at   timestamptz;
UPDATE embedding_generations SET activated_at = created_at WHERE active;

CREATE TABLE chunk_vectors (
    generation  integer NOT NULL REFERENCES embedding_generations (generation) ON DELETE CASCADE,
    document_id uuid    NOT NULL,
    version     integer NOT NULL,
    chunk_index integer NOT NULL,
    embedding   vector  NOT NULL,
    PRIMARY KEY (generation, document_id, version, chunk_index),
    FOREIGN KEY (document_id, version, chunk_index) REFERENCES chunks (document_id, version, chunk_index)
        ON DELETE CASCADE
);
-- the foreign key's cascade finds a chunk's vectors by it
CREATE INDEX chunk_vectors_chunk_idx ON chunk_vectors (document_id, version, chunk_index);

INSERT INTO chunk_vectors (generation, document_id, version, chunk_index, embedding)
SELECT 1, document_id, version, chunk_index, embedding FROM chunks;

CREATE INDEX chunk_vectors_g1_hnsw ON chunk_vectors USING hnsw ((embedding::vector(384)) vector_cosine_ops)
    WITH (m = 16, ef_construction = 64) WHERE generation = 1;

ALTER TABLE chunks DROP COLUMN embedding;
