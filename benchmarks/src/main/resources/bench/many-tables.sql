-- Benchmark data, shape "many-tables": TABLES small tables spread over SCHEMAS schemas, ROWS rows
-- each; every second table has a primary key, every fifth an index besides. Per-table work (catalog,
-- locks, one COPY and one count each) dominates, not the bytes. Committed every 100 tables, so the
-- lock table holds only a hundred tables' creation at a time.
do $$
begin
    for s in 1..:SCHEMAS loop
        execute format('create schema app_%s', s);
    end loop;
    for t in 1..:TABLES loop
        execute format('create table app_%s.t_%s (id integer not null%s, code text not null, amount numeric(10, 2) not null, '
                || 'created_at timestamptz not null, note text, attrs jsonb)', 1 + t % :SCHEMAS, t, case when t % 2 = 0 then ' primary key' else '' end);
        execute format('insert into app_%s.t_%s select g, %L || g, round((random() * 1000)::numeric, 2), '
                || 'timestamptz ''2022-01-01'' + random() * interval ''3 years'', '
                || 'case when random() < 0.5 then null else (array[''open'', ''closed'', ''pending review'', ''escalated''])[1 + (random() * 3)::int] end, '
                || 'jsonb_build_object(''v'', (random() * 100)::int, ''k'', md5(g::text)) from generate_series(1, %s) g',
                1 + t % :SCHEMAS, t, 'C' || t || '-', :ROWS);
        if t % 5 = 0 then
            execute format('create index on app_%s.t_%s (created_at)', 1 + t % :SCHEMAS, t);
        end if;
        if t % 100 = 0 then
            commit;
        end if;
    end loop;
end
$$;
