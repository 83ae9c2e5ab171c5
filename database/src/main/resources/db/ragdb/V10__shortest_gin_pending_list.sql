-- V9's 512 kB pending list still cost a full-text query up to ~3 ms: a tenant left with 58 pending
-- pages (1,031 chunks written after a bulk build) took 3.3 ms to find a word's matches, 0.5 ms once
-- they were merged. 64 kB, the least PostgreSQL allows, bounds that at ~0.4 ms; new chunks are still
-- merged in batches (a hundred or so short chunks each).
ALTER INDEX chunks_content_tsv_idx SET (gin_pending_list_limit = 64);
