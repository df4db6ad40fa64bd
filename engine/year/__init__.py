"""The evaluation of a year of records: read (pass 1, the index), replay (pass 2, offer by offer), offer (one
offer evaluated), workers (pass 2 shared among processes), result (the tally), evaluate (the entry point)."""
