-- Schema 5 (search): an order is found by its number and by its driver's name and phone, besides
-- plate, enterprise, violation type and place.
--
-- The driver's name and phone are copied onto the order (kept from `driver` when an order is
-- loaded) because the trigram index is external content over work_order: it can only index
-- columns of that table. A driver's record is not edited once loaded, so the copy cannot drift.
-- The index is rebuilt with the new columns; rowids stay the orders' ids, so nothing that points
-- at it changes. (Migrations run with foreign keys off: crates/store/src/db.rs.)

ALTER TABLE work_order ADD COLUMN driver_name TEXT NOT NULL DEFAULT '';
ALTER TABLE work_order ADD COLUMN driver_phone TEXT NOT NULL DEFAULT '';
UPDATE work_order
   SET driver_name = d.name, driver_phone = d.phone
  FROM driver d
 WHERE d.id = work_order.driver_id;

DROP TRIGGER wo_fts_insert;
DROP TRIGGER wo_fts_delete;
DROP TRIGGER wo_fts_update;
DROP TABLE work_order_fts;

CREATE VIRTUAL TABLE work_order_fts USING fts5(
    order_no, plate, enterprise_name, violation_name, place, driver_name, driver_phone,
    content = 'work_order', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO work_order_fts(work_order_fts) VALUES ('rebuild');

CREATE TRIGGER wo_fts_insert AFTER INSERT ON work_order BEGIN
    INSERT INTO work_order_fts(rowid, order_no, plate, enterprise_name, violation_name, place,
                               driver_name, driver_phone)
    VALUES (new.id, new.order_no, new.plate, new.enterprise_name, new.violation_name, new.place,
            new.driver_name, new.driver_phone);
END;
CREATE TRIGGER wo_fts_delete AFTER DELETE ON work_order BEGIN
    INSERT INTO work_order_fts(work_order_fts, rowid, order_no, plate, enterprise_name,
                               violation_name, place, driver_name, driver_phone)
    VALUES ('delete', old.id, old.order_no, old.plate, old.enterprise_name, old.violation_name,
            old.place, old.driver_name, old.driver_phone);
END;
CREATE TRIGGER wo_fts_update AFTER UPDATE OF order_no, plate, enterprise_name, violation_name,
        place, driver_name, driver_phone ON work_order BEGIN
    INSERT INTO work_order_fts(work_order_fts, rowid, order_no, plate, enterprise_name,
                               violation_name, place, driver_name, driver_phone)
    VALUES ('delete', old.id, old.order_no, old.plate, old.enterprise_name, old.violation_name,
            old.place, old.driver_name, old.driver_phone);
    INSERT INTO work_order_fts(rowid, order_no, plate, enterprise_name, violation_name, place,
                               driver_name, driver_phone)
    VALUES (new.id, new.order_no, new.plate, new.enterprise_name, new.violation_name, new.place,
            new.driver_name, new.driver_phone);
END;
