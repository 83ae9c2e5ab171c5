-- ragdb: one database per tenant. Holds only that tenant's RAG data.
-- The vector extension is created by the provisioner (superuser) before this runs.

CREATE TABLE documents (
    id             uuid        PRIMARY KEY,
    filename       text        NOT NULL,
    content_type   text        NOT NULL,
    size_bytes     bigint      NOT NULL CHECK (size_bytes >= 0),
    sha256         char(64)    NOT NULL,
    source         text        NOT NULL DEFAULT 'upload',
    status         text        NOT NULL CHECK (status IN
                       ('queued', 'converting', 'chunking', 'embedding', 'indexed', 'failed', 'deleted')),
    reason         text,
    version        integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    active_version integer,
    metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    markdown       text,
    staged_at      text,
    chunk_count    integer     NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    indexed_at     timestamptz
);
CREATE INDEX documents_sha256_idx ON documents (sha256);
CREATE INDEX documents_queued_idx ON documents (updated_at) WHERE status = 'queued';

-- Which embedding model the vectors of this tenant come from (one active generation).
CREATE TABLE embedding_generations (
    generation integer     PRIMARY KEY,
    model      text        NOT NULL,
    dimension  integer     NOT NULL,
    active     boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX embedding_generations_one_active ON embedding_generations (active) WHERE active;
INSERT INTO embedding_generations (generation, model, dimension, active) VALUES (1, 'all-minilm-l6-v2', 384, true);

CREATE TABLE chunks (
    document_id  uuid        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version      integer     NOT NULL,
    chunk_index  integer     NOT NULL CHECK (chunk_index >= 0),
    content      text        NOT NULL,
    heading_path text,
    page         integer,
    token_count  integer     NOT NULL,
    metadata     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    embedding    vector(384) NOT NULL,
    content_tsv  tsvector    GENERATED ALWAYS AS
                     (to_tsvector('english', coalesce(heading_path, '') || ' ' || content)) STORED,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, version, chunk_index)
);
CREATE INDEX chunks_embedding_hnsw_idx ON chunks USING hnsw (embedding vector_cosine_ops)
    WITH (m = 16, ef_construction = 64);
CREATE INDEX chunks_content_tsv_idx ON chunks USING gin (content_tsv);

CREATE TABLE chat_sessions (
    id             text        PRIMARY KEY,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_active_at timestamptz NOT NULL DEFAULT now(),
    message_count  integer     NOT NULL DEFAULT 0,
    metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE TABLE chat_messages (
    id                bigserial   PRIMARY KEY,
    session_id        text        NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    role              text        NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content           text        NOT NULL,
    sources           jsonb       NOT NULL DEFAULT '[]'::jsonb,
    provider          text,
    model             text,
    prompt_tokens     integer,
    completion_tokens integer,
    latency_ms        integer,
    complete          boolean     NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_messages_session_idx ON chat_messages (session_id, created_at);
