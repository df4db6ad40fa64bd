"""Every rule has a French label and a source; every verb is documented in the README."""

import re
from pathlib import Path

from tests.conftest import ROOT


def test_every_rule_has_libelle_and_source(catalog):
    for layer in catalog.names():
        for rule in catalog.resolve(layer).rules.values():
            assert len(rule.rule.libelle.strip()) >= 3, rule.id
            assert len(rule.rule.source.strip()) >= 3, rule.id


def test_rule_ids_are_kebab_case_ascii(catalog):
    for layer in catalog.names():
        for rid in catalog.resolve(layer).rules:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rid), rid


def test_readme_opens_with_the_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert "pip install -e ." in blocks[0] and "flux-rules" in blocks[0]
    assert "pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert blocks[1].strip() in ci


def test_readme_examples_run_on_a_fresh_clone(tmp_path):
    """Each command runs as a reader would type it in the repository's root — every file it names is in the
    repository — and ends with 0 or 1, never a traceback. The root is mirrored by links in a temporary folder,
    so that the files the examples write (--output, > …) do not land in the clone. The user's own folder of
    rules the README speaks of (``mes-regles``) is made as a user would."""
    import os
    import subprocess
    import sys

    from tests.test_install import CONVENTION, readme_commands

    commands = readme_commands()
    assert len(commands) >= 15 and any(c.startswith("flux-rules generate") for c in commands)
    for entry in ROOT.iterdir():
        if entry.name not in (".git", ".venv"):
            (tmp_path / entry.name).symlink_to(entry)
    (tmp_path / "mes-regles").mkdir()
    (tmp_path / "mes-regles" / "ma-convention.yaml").write_text(CONVENTION, encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    failed = []
    for command in commands:
        run = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                             timeout=600)
        if run.returncode not in (0, 1) or "Traceback" in run.stdout + run.stderr:
            failed.append((command, run.returncode, run.stderr[-500:]))
    assert failed == []
