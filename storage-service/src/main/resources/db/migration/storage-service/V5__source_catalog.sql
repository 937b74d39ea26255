-- The source's catalog as the dump worker took it: events only refer to it (ArtifactStored v4,
-- catalogRef); it is kept here and in each copy's manifest, which is rewritten from this row.
alter table stored_artifacts add column source_catalog jsonb;
