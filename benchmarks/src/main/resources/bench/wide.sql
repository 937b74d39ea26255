-- Benchmark data, shape "wide": three tables and ROWS rows between them (a quarter, five eighths and
-- one eighth), rows of words, text and JSON, no secondary index: a database that restores fast for its
-- size, where whatever runs before or after pg_restore shows. About 150 bytes per row on disk.
create table articles (
    id         bigint not null,
    published  timestamptz not null,
    section    text not null,
    headline   text not null,
    body       text not null,
    meta       jsonb not null
);

insert into articles
select g,
       timestamptz '2018-01-01' + random() * interval '7 years',
       (array['world', 'business', 'sport', 'culture', 'science', 'travel', 'opinion'])[1 + (random() * 6)::int],
       (array['Markets', 'Council', 'Storm', 'Museum', 'Team', 'Study', 'Harbour', 'Festival'])[1 + (random() * 7)::int] || ' '
           || (array['rises', 'falls', 'opens', 'closes', 'wins', 'plans', 'warns', 'returns'])[1 + (random() * 7)::int] || ' '
           || (array['again', 'early', 'after talks', 'in the north', 'this week', 'for good'])[1 + (random() * 5)::int],
       (array['the', 'city', 'said', 'on', 'monday', 'that', 'new', 'rules', 'would', 'apply', 'from', 'spring', 'while',
              'residents', 'asked', 'for', 'more', 'time', 'to', 'prepare'])[1 + (random() * 19)::int] || ' '
           || (array['officials', 'expect', 'prices', 'to', 'settle', 'by', 'summer', 'and', 'traffic', 'to', 'ease'])[1 + (random() * 10)::int] || ' '
           || (array['according', 'to', 'figures', 'published', 'late', 'on', 'friday', 'by', 'the', 'office'])[1 + (random() * 9)::int],
       jsonb_build_object('author', 'author-' || (random() * 900)::int, 'words', 200 + (random() * 1800)::int,
           'lang', (array['en', 'de', 'fr', 'es'])[1 + (random() * 3)::int], 'draft', random() < 0.1)
from generate_series(1, (:ROWS / 4)::bigint) g;

create table readings (
    device     text not null,
    taken_at   timestamptz not null,
    reading    jsonb not null
);

insert into readings
select 'sensor-' || lpad((random() * 20000)::int::text, 5, '0'),
       timestamptz '2024-01-01' + random() * interval '1 year',
       jsonb_build_object('t', round((random() * 40 - 5)::numeric, 2), 'h', round((random() * 100)::numeric, 1),
           'ok', random() < 0.98)
from generate_series(1, (:ROWS * 5 / 8)::bigint) g;

create table tickets (
    id         bigint primary key,
    opened_at  timestamptz not null,
    customer   text not null,
    subject    text not null,
    thread     text not null,
    fields     jsonb not null
);

insert into tickets
select g,
       timestamptz '2021-01-01' + random() * interval '4 years',
       'customer-' || (random() * 100000)::int || '@example.org',
       (array['Invoice', 'Login', 'Delivery', 'Refund', 'Upgrade', 'Outage'])[1 + (random() * 5)::int] || ' question #' || g,
       (array['hello', 'my', 'order', 'has', 'not', 'arrived', 'yet', 'and', 'the', 'tracking', 'page', 'shows', 'nothing'])[1 + (random() * 12)::int]
           || ' ' || (array['could', 'you', 'please', 'check', 'what', 'happened', 'and', 'let', 'me', 'know'])[1 + (random() * 9)::int]
           || ' ' || (array['thanks', 'in', 'advance', 'best', 'regards', 'from', 'the', 'team', 'at', 'home'])[1 + (random() * 9)::int]
           || ' -- agent: ' || (array['we', 'are', 'sorry', 'for', 'the', 'delay', 'a', 'refund', 'is', 'on', 'its', 'way'])[1 + (random() * 11)::int]
           || ' ' || md5(random()::text),
       jsonb_build_object('priority', (array['low', 'normal', 'high', 'urgent'])[1 + (random() * 3)::int],
           'agent', 'agent-' || (random() * 300)::int, 'tags', to_jsonb(array[(array['billing', 'shipping', 'account', 'bug'])[1 + (random() * 3)::int]]),
           'csat', (random() * 5)::int)
from generate_series(1, (:ROWS / 8)::bigint) g;
