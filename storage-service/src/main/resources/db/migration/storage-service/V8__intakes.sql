-- Dumps made outside Vigil, registered against a job (POST /api/v1/intakes): one row per job, so a job is
-- registered once. The full URL may carry a pre-signed query string, a credential: it is kept here only
-- while the dump is fetched, and nowhere else (logs and events show shown_url).
create table intakes (
    job_id        uuid primary key,
    target_id     text        not null,
    url           text,
    shown_url     text        not null,
    sha256        text,
    size_bytes    bigint,
    requested_by  text,
    accepted_at   timestamptz not null default now(),
    state         text        not null default 'ACCEPTED' check (state in ('ACCEPTED', 'HANDED_OVER', 'FAILED')),
    attempts      int         not null default 0,
    claimed_until timestamptz not null,
    finished_at   timestamptz,
    detail        text
);

create index intakes_due on intakes (claimed_until) where state = 'ACCEPTED';

-- A registered dump that waits in staging for the object store keeps where it came from, for its ArtifactStored.
alter table pending_uploads add column registered_from text;
