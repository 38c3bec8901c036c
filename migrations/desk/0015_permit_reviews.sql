-- Schema 15: the review of a permit application at this desk (审核), before and after its
-- verdict. draft is casedesk-domain's ReviewDraft as JSON (the checklist marks with remarks and
-- the notes pinned to a time of a material), kept as the reviewer works so nothing is lost on a
-- crash. Once a verdict is given here, verdict, decided_by, decided_at and the mutation_id of the
-- outbox row that carries it to the hub are set in the same transaction as that row, and the
-- draft is no longer edited. The hub's decided review arrives with the pulled application
-- (permit_applications.change) and wins over what is here.
CREATE TABLE permit_reviews (
    application_id TEXT PRIMARY KEY,
    draft          TEXT NOT NULL,
    verdict        TEXT,
    decided_by     TEXT,
    decided_at     TEXT,
    mutation_id    TEXT,
    updated_at     TEXT NOT NULL
) STRICT;
