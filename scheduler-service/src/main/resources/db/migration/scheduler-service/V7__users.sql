-- People who sign in to the operations page with a password (kept as a bcrypt hash). A disabled
-- user keeps its row, for the audit log's names.
create table users (
    username      text        primary key,
    password_hash text        not null,
    role          text        not null,
    created_by    text        not null,
    created_at    timestamptz not null default now(),
    disabled_at   timestamptz,
    disabled_by   text
);
