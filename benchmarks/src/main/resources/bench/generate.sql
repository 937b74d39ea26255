-- Benchmark data: an order history that compresses like real data does (words, addresses, amounts,
-- timestamps, JSON and some hashes), not like pgbench's filler. ORDERS rows in orders, about three
-- line items per order, and an event log. Roughly 400 bytes per order across the tables.
drop table if exists orders, line_items, events;

create table orders (
    id               bigint primary key,
    customer_id      integer not null,
    status           text not null,
    created_at       timestamptz not null,
    amount           numeric(12, 2) not null,
    currency         char(3) not null,
    shipping_address text not null,
    notes            text,
    payload          jsonb not null
);

insert into orders
select g,
       1 + (random() * 250000)::int,
       (array['new', 'paid', 'shipped', 'delivered', 'returned', 'cancelled'])[1 + (random() * 5)::int],
       timestamptz '2020-01-01' + random() * interval '5 years',
       round((random() * 900 + 5)::numeric, 2),
       (array['EUR', 'USD', 'GBP', 'CHF'])[1 + (random() * 3)::int],
       (1 + (random() * 9999)::int) || ' ' || (array['Main St', 'Oak Avenue', 'Bahnhofstraße', 'Rue de la Paix', 'Elm Road',
           'Market Street', 'Kingsway', 'Via Roma', 'Calle Mayor', 'Harbour Lane'])[1 + (random() * 9)::int]
           || ', ' || (array['Berlin', 'Paris', 'London', 'Zürich', 'Madrid', 'Rome', 'Vienna', 'Oslo', 'Dublin', 'Lisbon'])[1 + (random() * 9)::int]
           || ' ' || lpad((random() * 99999)::int::text, 5, '0'),
       case when random() < 0.4 then null else
           (array['please', 'deliver', 'before', 'noon', 'leave', 'at', 'the', 'door', 'gift', 'wrap', 'call', 'on', 'arrival',
                  'fragile', 'handle', 'with', 'care', 'second', 'floor', 'ring', 'twice', 'no', 'invoice', 'in', 'box'])[1 + (random() * 24)::int]
           || ' ' || (array['thank', 'you', 'urgent', 'express', 'weekend', 'office', 'hours', 'back', 'door', 'reception'])[1 + (random() * 9)::int]
           || ' ' || (array['customer', 'requested', 'change', 'of', 'address', 'after', 'payment', 'confirmed', 'by', 'email'])[1 + (random() * 9)::int]
       end,
       jsonb_build_object(
           'sku', 'SKU-' || (random() * 40000)::int,
           'qty', 1 + (random() * 4)::int,
           'channel', (array['web', 'app', 'store', 'phone'])[1 + (random() * 3)::int],
           'session', md5(random()::text),
           'tags', to_jsonb(array[(array['promo', 'b2b', 'gift', 'repeat', 'vip', 'sale'])[1 + (random() * 5)::int]]))
from generate_series(1, :ORDERS) g;

create table line_items (
    order_id    bigint  not null,
    line_no     integer not null,
    product_id  integer not null,
    quantity    integer not null,
    unit_cents  integer not null,
    primary key (order_id, line_no)
);

insert into line_items
select o, l, 1 + (random() * 40000)::int, 1 + (random() * 4)::int, 100 + (random() * 50000)::int
from generate_series(1, :ORDERS) o, generate_series(1, 1 + (o % 5)) l;

create table events (
    id          bigint primary key,
    happened_at timestamptz not null,
    kind        text not null,
    actor       uuid not null,
    detail      text not null
);

insert into events
select g, timestamptz '2020-01-01' + g * interval '13 seconds',
       (array['login', 'logout', 'view', 'add_to_cart', 'checkout', 'refund'])[1 + (random() * 5)::int],
       md5(((g % 50000))::text)::uuid,
       'user agent ' || (array['Firefox', 'Chrome', 'Safari', 'Edge'])[1 + (random() * 3)::int] || ' ' || (random() * 120)::int
           || '.0 from 10.' || (random() * 255)::int || '.' || (random() * 255)::int || '.' || (random() * 255)::int
from generate_series(1, :ORDERS / 2) g;

analyze;
