-- The jobs list across targets (GET /api/v1/jobs): newest first, paged by keyset on (listed_at, job_id),
-- filtered by target, status, trigger and time, each through an index that hands rows over in that order.

-- The time a job is listed by: its request's, or, until the request arrives (events may come in any
-- order), when the registry first heard of the job.
alter table jobs add column listed_at timestamptz generated always as (coalesce(requested_at, created_at)) stored;

-- The status the job shows, derived from the row by the database itself, so that filtering by it and
-- showing it cannot disagree: a failure anywhere or a FAILED verdict makes it FAILED; an INCONCLUSIVE
-- verdict, INCONCLUSIVE; otherwise the furthest stage seen, whatever order the events came in.
alter table jobs add column status text generated always as (
    case
        when failed_at is not null or verification ->> 'verdict' = 'FAILED' then 'FAILED'
        when verification ->> 'verdict' = 'INCONCLUSIVE' then 'INCONCLUSIVE'
        when verified_at is not null then 'VERIFIED'
        when stored_at is not null then 'STORED'
        when dumped_at is not null then 'DUMPED'
        when dumping_at is not null then 'DUMPING'
        else 'REQUESTED'
    end) stored;

-- Read backwards, each gives a page in order without sorting; jobs_by_target is taken over by the second.
drop index jobs_by_target;
create index jobs_newest_first on jobs (listed_at, job_id);
create index jobs_by_target_newest_first on jobs (target_id, listed_at, job_id);
create index jobs_by_status_newest_first on jobs (status, listed_at, job_id);
create index jobs_by_trigger_newest_first on jobs (trigger, listed_at, job_id);
