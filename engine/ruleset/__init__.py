"""Stage 1: rule sets (model, loading, inheritance, dated values)."""
