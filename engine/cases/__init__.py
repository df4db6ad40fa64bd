"""``flux-rules test``: the cases policy staff write beside their rules, run and checked, with coverage."""
