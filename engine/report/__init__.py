"""Stage 6: results, traces and output formats."""
