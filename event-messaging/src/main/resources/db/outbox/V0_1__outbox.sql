-- The transactional outbox, shared by every service that stores state (see dev.vigil.messaging.outbox).
-- Version 0.1 so that each service's own migrations start at V1.
create table outbox (
    id            bigserial primary key,
    topic         text        not null,
    message_key   text        not null,
    event_type    text        not null,
    payload       bytea       not null,
    trace_headers jsonb       not null default '{}',
    created_at    timestamptz not null default now(),
    published_at  timestamptz
);

create index outbox_unpublished on outbox (id) where published_at is null;
