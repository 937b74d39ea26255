-- A row without a payload is a tombstone: published as a record without a value, so the readers of a
-- compacted topic forget the key (a revoked access token) and compaction removes it.
alter table outbox alter column payload drop not null;
alter table outbox_dead_letter alter column payload drop not null;
