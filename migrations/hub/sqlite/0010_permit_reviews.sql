-- CaseDesk hub, schema 10 (SQLite): the review decision of a permit application (审核结论).
-- The twin is migrations/hub/postgres/0010_permit_reviews.sql: keep the two in step.
--
-- review is casedesk-wire's DecidedReview as JSON (the verdict, the checklist marks with
-- remarks, the notes pinned to a time of a material, who gave it and when), NULL while the
-- application is undecided; verdict is its code (pass, fail, more_material), the column the
-- closure check (日结 waits for decisions) and reports read. A review is given once, through a
-- pushed mutation (entity permit_application), and changes the row's version and change number
-- so every desk of the jurisdiction pulls it.
ALTER TABLE permit_applications ADD COLUMN review TEXT;
ALTER TABLE permit_applications ADD COLUMN verdict TEXT;
