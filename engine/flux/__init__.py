"""Stage 3: assiette and theoretical flux."""
