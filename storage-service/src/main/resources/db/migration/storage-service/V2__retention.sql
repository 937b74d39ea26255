-- Retention: when each backup was taken, where it is in its life, holds, and a storing order that no clock can bend.
alter table stored_artifacts add column taken_at timestamptz;
update stored_artifacts set taken_at = stored_at;
alter table stored_artifacts alter column taken_at set not null;

-- PENDING_VERIFICATION until the verifier judges it; VERIFIED or VERIFICATION_FAILED; DELETED by retention (the row stays as history).
alter table stored_artifacts add column state text not null default 'PENDING_VERIFICATION'
    check (state in ('PENDING_VERIFICATION', 'VERIFIED', 'VERIFICATION_FAILED', 'DELETED'));
alter table stored_artifacts add column verified_at timestamptz;
alter table stored_artifacts add column legal_hold boolean not null default false;
alter table stored_artifacts add column deleted_at timestamptz;
alter table stored_artifacts add column deleted_reason text;
alter table stored_artifacts add column stored_seq bigserial;

create index stored_artifacts_live_by_target on stored_artifacts (target_id) where state <> 'DELETED';
