"""Installed outside the repository: the shipped rule sets and sample, the user's folders, nothing found.

The last test builds the wheel, installs it in a fresh virtual environment (the dependencies pinned to those
of this one) and runs the README's commands from an empty folder.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from engine.ruleset import home
from tests.conftest import ROOT, invoke

CONVENTION = """couche: ma-convention
niveau: convention
herite_de: haute-garonne
libelle: Convention d'un utilisateur
source: Convention d'essai, art. 1
surcharges:
  - id: reponse-10-jours
    source: Convention d'essai, art. 2
    valeurs: {2024-01-01: {nombre: 15}}
"""


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """An empty current folder, with a user's folder holding one convention."""
    (tmp_path / "mes-regles").mkdir()
    (tmp_path / "mes-regles" / "ma-convention.yaml").write_text(CONVENTION, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(home.ENV, raising=False)
    return tmp_path


def test_shipped_rules_and_sample_from_another_folder(elsewhere):
    assert "17 couche(s) vérifiée(s)" in invoke(["rules", "validate"], 0).output
    invoke(["evaluate", "scenarios/exemple-2024/evenements.jsonl", "--format", "json"], 1)  # an obligation unmet


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_users_folder_adds_to_the_shipped_rules(elsewhere, monkeypatch, how):
    args = ["rules", "show", "ma-convention", "--format", "json"]
    if how == "option":
        args = ["--regles-dir", "mes-regles"] + args
    else:
        monkeypatch.setenv(home.ENV, f"mes-regles{os.pathsep}")
    out = invoke(args, 0).output
    assert '"chaine": [\n    "national",\n    "haute-garonne",\n    "ma-convention"' in out
    assert "18 couche(s)" in invoke(["--regles-dir", "mes-regles", "rules", "validate"], 0).output
    invoke(["rules", "validate"], 0)  # the option does not outlive its command


def test_a_missing_users_folder_is_an_error(elsewhere, monkeypatch):
    out = invoke(["--regles-dir", "nulle-part", "rules", "validate"], 2).output
    assert "nulle-part: dossier de règles introuvable (donné par --regles-dir)" in out
    monkeypatch.setenv(home.ENV, "ailleurs")
    assert "ailleurs: dossier de règles introuvable (donné par FLUX_RULES_HOME)" in \
        invoke(["rules", "show", "haute-garonne"], 2).output


def test_a_users_copy_of_a_shipped_layer_is_refused(elsewhere):
    shutil.copy(ROOT / "rules" / "ain" / "ain.yaml", elsewhere / "mes-regles" / "ain.yaml")
    out = invoke(["--regles-dir", "mes-regles", "evaluate", "scenarios/exemple-2024/evenements.jsonl",
                  "--rules", "ain"], 2).output
    assert "mes-regles/ain.yaml:2: la couche « ain » est déclarée deux fois, ici et en " in out


def test_no_rule_set_found_is_an_error_saying_where(elsewhere, monkeypatch):
    """What an install without its package data did: an empty list of layers, '0 couche(s)', exit 0."""
    monkeypatch.setattr(home, "shipped", lambda: [])
    out = invoke(["rules", "validate"], 2).output
    assert "aucun jeu de règles trouvé : cherché dans " in out and "(règles livrées)" in out
    assert "--regles-dir DOSSIER" in out
    out = invoke(["evaluate", ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"], 2).output
    assert "aucun jeu de règles trouvé" in out and "parmi  ou" not in out
    monkeypatch.setenv(home.ENV, "mes-regles")
    out = invoke(["rules", "validate"], 2).output  # hers are found (and lack their parent)
    assert "aucun jeu de règles trouvé" not in out and "couche parente inconnue « haute-garonne »" in out


def readme_commands() -> list[str]:
    """The ``flux-rules`` commands of the README's sh blocks, continuation lines joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            for part in line.split("&&"):
                part = part.strip().removeprefix(".venv/bin/")
                if re.match(r"(FLUX_RULES_HOME=\S+ )?flux-rules ", part):
                    commands.append(part)
    return commands


NOT_SHIPPED = ("../shared/", "historique.csv", "tests/")  # files of the repository, its neighbourhood or the user


@pytest.mark.slow  # 25 s of processor; 110 s of wall clock on this shared machine under load
def test_the_wheel_installed_elsewhere_runs_the_readme(tmp_path):
    dist, venv, empty = tmp_path / "dist", tmp_path / "venv", tmp_path / "vide"
    run = dict(capture_output=True, text=True, timeout=600)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, ROOT], **run)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next(dist.glob("flux_rules-*.whl"))
    with zipfile.ZipFile(wheel) as archive:  # the RPLS code lists are data the reader needs, shipped with the rules
        assert "engine/rules/national/rpls-codes.yaml" in archive.namelist()
        assert "engine/rules/national/cas/rpls-14-logements.csv" in archive.namelist()
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, **run)
    pins = tmp_path / "pins.txt"
    freeze = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], check=True, **run)
    pins.write_text(freeze.stdout, encoding="utf-8")
    installed = subprocess.run([venv / "bin" / "pip", "install", "-q", "-c", pins, wheel], **run)
    assert installed.returncode == 0, installed.stderr[-3000:]

    empty.mkdir()
    (empty / "mes-regles").mkdir()
    (empty / "mes-regles" / "ma-convention.yaml").write_text(CONVENTION, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in (home.ENV, "PYTHONPATH")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    commands = [c.replace("--dwellings 200000 --events 1000000", "--dwellings 200 --events 1000")
                for c in readme_commands() if not any(s in c for s in NOT_SHIPPED)]
    assert len(commands) >= 15, commands
    for command in commands:
        done = subprocess.run(command, shell=True, cwd=empty, env=env, **run)
        assert done.returncode in (0, 1), (command, done.returncode, done.stderr[-3000:])
        assert "Traceback" not in done.stderr, (command, done.stderr[-3000:])
        assert done.stdout.strip() or "--output" in command or ">" in command, command
        assert "0 couche(s)" not in done.stdout, command
    assert (empty / "flux-rules.schema.json").stat().st_size > 10_000
