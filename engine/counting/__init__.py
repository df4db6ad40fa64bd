"""Stage 4: offer life cycle and counting decisions."""
