"""Packaging beside pyproject.toml: the rule sets stay at the top of the repository and ship in the wheel.

``rules/`` and ``scenarios/`` (the embedded sample) become the package data ``engine/rules`` and
``engine/scenarios`` through a package-dir mapping (pyproject.toml cannot add them to the packages it
finds); ``engine.ruleset.home`` reads them with importlib.resources.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["engine", "engine.*"]) + ["engine.rules", "engine.scenarios"],
    package_dir={"engine.rules": "rules", "engine.scenarios": "scenarios"},
    package_data={"engine.rules": ["**/*.yaml", "**/*.csv"], "engine.scenarios": ["**/*.yaml", "**/*.jsonl", "**/*.csv"]},
)
