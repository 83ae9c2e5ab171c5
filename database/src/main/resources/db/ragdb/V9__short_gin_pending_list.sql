-- Every full-text query reads the whole pending list of the chunks' GIN index (new entries wait
-- there until they are merged in bulk). At the default limit of 4 MB that is up to ~500 pages and
-- ~2 ms a query, and a long list makes the planner give up the index for a sequential scan. A
-- 512 kB list still merges new chunks in batches, and costs a query ~0.2 ms at most.
ALTER INDEX chunks_content_tsv_idx SET (gin_pending_list_limit = 512);
