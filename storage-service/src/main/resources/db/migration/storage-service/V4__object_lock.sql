-- The Object Lock retain-until date last set on every copy of a backup, so that retention asks the
-- bucket again only to extend it. Null: none set (no Object Lock, or not yet).
alter table stored_artifacts add column retain_until timestamptz;
