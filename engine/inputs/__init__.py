"""Stage 2: inputs (event log, inventory)."""
