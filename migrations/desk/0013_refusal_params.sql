-- Schema 13 (refusals as message keys): the parameters of the hub's refusal (a JSON object of
-- strings, e.g. {"order_no": "GD…", "holder": "zhang.wei"}), so the desk renders the reason and
-- what to do from its own catalogue in the user's language. NULL for refusals recorded before
-- (and from a hub that sends none): those show the hub's texts, kept in refused_zh/refused_en.
ALTER TABLE outbox ADD COLUMN refused_params TEXT;
