-- Run by the postgres image on its first start (an empty data volume): the role the verifier
-- restores untrusted backups as. It may log in and create databases, nothing more; the verifier
-- refuses to start as a superuser (docs/verifier-service.md, "The role it restores as").
create role vigil_verifier login createdb nosuperuser nocreaterole password 'vigil-verifier';  -- local development default only
