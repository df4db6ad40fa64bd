"""flux-rules: rules engine for social-housing reservations managed « en flux »."""

__version__ = "0.1.0"


def load_ruleset(name: str):
    """The effective rule set of a layer (``haute-garonne``, a convention, or a YAML path)."""
    from engine.ruleset.inherit import load_ruleset as _load

    return _load(name)
