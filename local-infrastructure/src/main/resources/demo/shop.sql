-- Vigil's demo database: a small shop with the awkward parts real schemas have. Generated in
-- place (no download): several schemas, quoted mixed-case and unicode names, a partitioned table,
-- an inheritance child, an enum, a domain, a generated column, a view and a materialized view.
-- About 25,000 rows. Safe to run again: it recreates its schemas.
drop schema if exists shop cascade;
drop schema if exists "Sales Ops" cascade;

create schema shop;
create schema "Sales Ops";

create type shop.order_state as enum ('new', 'paid', 'shipped', 'returned');
create domain shop.email as text check (value like '%@%');

create table shop.customers (
    id         integer primary key,
    name       text not null,
    email      shop.email not null,
    created_at timestamptz not null
);
insert into shop.customers
select g, 'Customer ' || g, 'customer' || g || '@example.com', timestamptz '2025-01-01' + g * interval '37 minutes'
from generate_series(1, 2000) g;

create table shop.products (
    id          integer primary key,
    "Name"      text not null,
    price_cents integer not null,
    vat_cents   integer generated always as (price_cents * 19 / 100) stored
);
insert into shop.products (id, "Name", price_cents)
select g, 'Product ' || g, 100 + (g * 7919) % 50000 from generate_series(1, 500) g;

create table shop.orders (
    id          integer not null,
    customer_id integer not null references shop.customers(id),
    state       shop.order_state not null,
    ordered_on  date not null,
    primary key (id, ordered_on)
) partition by range (ordered_on);
create table shop.orders_2025 partition of shop.orders for values from ('2025-01-01') to ('2026-01-01');
create table shop.orders_2026 partition of shop.orders for values from ('2026-01-01') to ('2027-01-01');
insert into shop.orders
select g, 1 + (g * 31) % 2000, (array['new','paid','shipped','returned']::shop.order_state[])[1 + g % 4],
       date '2025-01-01' + (g % 700)
from generate_series(1, 8000) g;

create table shop."Order Lines" (
    order_id   integer not null,
    line_no    integer not null,
    product_id integer not null references shop.products(id),
    quantity   integer not null check (quantity > 0),
    primary key (order_id, line_no)
);
insert into shop."Order Lines"
select o, l, 1 + (o * l * 13) % 500, 1 + (o + l) % 5
from generate_series(1, 8000) o, generate_series(1, 1 + o % 3) l;

create table shop.events (id bigint primary key, happened_at timestamptz not null, payload jsonb);
create table shop.audit_events (actor text not null) inherits (shop.events);
insert into shop.events select g, now() - g * interval '1 minute', jsonb_build_object('n', g) from generate_series(1, 300) g;
insert into shop.audit_events select 1000 + g, now(), null, 'admin' from generate_series(1, 45) g;

create table "Sales Ops"."Zielmärkte" (region text primary key, "Quote €" numeric(12, 2));
insert into "Sales Ops"."Zielmärkte" values ('Nord', 1200.50), ('Süd', 980.00), ('Ost', 450.25), ('West', 1675.00);

create table shop.empty_wishlist (customer_id integer, product_id integer);

create view shop.paid_orders as select * from shop.orders where state = 'paid';
create materialized view shop.revenue_by_product as
select l.product_id, sum(l.quantity * p.price_cents) as revenue_cents
from shop."Order Lines" l join shop.products p on p.id = l.product_id group by l.product_id;
