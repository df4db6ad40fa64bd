"""Stage 5: deadlines and obligations."""
