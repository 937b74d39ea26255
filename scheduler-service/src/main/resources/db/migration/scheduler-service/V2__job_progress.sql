-- The latest progress a running dump reported (DumpProgressed).
alter table jobs add column progress_bytes bigint;
alter table jobs add column progress_table text;
alter table jobs add column progress_at    timestamptz;
