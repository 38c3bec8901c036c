-- CaseDesk hub, schema 5 (sqlite): orders that left a jurisdiction. The PostgreSQL twin is migrations/hub/postgres/0005_departures.sql.
-- The change feed is the orders' rows, each with the number of its latest change, filtered by
-- where the order is now; a county an order was reassigned away from would never hear of it
-- again. Each time an order's county changes, the county (and city) it left is written here
-- with the number of that change, and a pull of the old jurisdiction gets it as a departure
-- while the order is outside that jurisdiction.
CREATE TABLE order_departures (
    seq         INTEGER PRIMARY KEY,
    order_no    TEXT NOT NULL REFERENCES work_orders(order_no),
    county_code TEXT NOT NULL,
    city_code   TEXT NOT NULL
) STRICT;

CREATE INDEX order_departures_county ON order_departures(county_code, seq);
CREATE INDEX order_departures_city ON order_departures(city_code, seq);
