-- Who asked for each restore on demand (RestoreRequested v2's requestedBy, free text), for the
-- audit trail; null for requests that named no one.
alter table restores add column requested_by text;
