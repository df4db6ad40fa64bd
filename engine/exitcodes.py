"""Exit codes of every verb (cli.md)."""

EXIT_OK = 0
EXIT_UNMET = 1
EXIT_BAD_INPUT = 2
