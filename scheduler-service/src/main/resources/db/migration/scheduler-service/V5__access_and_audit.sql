-- Access tokens for the HTTP APIs: only the SHA-256 of each token's secret is kept (the token is shown
-- once, to the admin who creates it). A revoked token keeps its row, for the audit log's names.
create table access_tokens (
    token_id      text        primary key,
    name          text        not null,
    role          text        not null,
    secret_sha256 text        not null,
    expires_at    timestamptz,
    granted_by    text        not null,
    created_at    timestamptz not null default now(),
    revoked_at    timestamptz,
    revoked_by    text
);

-- The audit log: every signed-in state-changing request any service answered (RequestAudited).
create table request_audit (
    event_id    uuid        primary key,
    occurred_at timestamptz not null,
    service     text        not null,
    principal   text        not null,
    role        text        not null,
    method      text        not null,
    path        text        not null,
    status      integer     not null,
    outcome     text        not null,
    millis      bigint      not null,
    trace_id    text
);

create index request_audit_newest on request_audit (occurred_at desc, event_id desc);
