-- A row that cannot be published is tried again with a growing wait, its later rows of the same topic and
-- key waiting behind it; after vigil.outbox.max-attempts failures it moves to outbox_dead_letter, and the
-- rows behind it are published. Published rows are deleted after vigil.outbox.keep-published.
-- Version 0.2, before the services' own V1: spring.flyway.out-of-order (vigil-common.yml) applies it to a
-- database that already has them.
alter table outbox
    add column attempts        integer     not null default 0,
    add column last_error      text,
    add column first_failed_at timestamptz,
    add column last_failed_at  timestamptz,
    add column next_attempt_at timestamptz;

create index outbox_unpublished_by_key on outbox (topic, message_key, id) where published_at is null;
create index outbox_published on outbox (published_at) where published_at is not null;

-- Kept until an operator deals with it (republishes it by hand, or deletes it); payload for that only,
-- never logged.
create table outbox_dead_letter (
    id              bigint      primary key,
    topic           text        not null,
    message_key     text        not null,
    event_type      text        not null,
    payload         bytea       not null,
    trace_headers   jsonb       not null default '{}',
    created_at      timestamptz not null,
    attempts        integer     not null,
    error           text        not null,
    first_failed_at timestamptz not null,
    last_failed_at  timestamptz not null,
    dead_at         timestamptz not null default now()
);
