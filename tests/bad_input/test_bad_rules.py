"""One broken rule file per mistake: each must be reported as FILE:LINE with a precise French message."""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from engine.ruleset.inherit import load_ruleset
from engine.ruleset.validate import validate_paths
from tests.conftest import invoke

HERE = Path(__file__).parent / "rules"

CASES = [
    ("cle-inconnue.yaml", 11, "clé inconnue « delay »"),
    ("mauvais-type.yaml", 12, "attendu un nombre entier"),
    ("date-invalide.yaml", 12, "date invalide « 2024-13-45 »"),
    ("id-en-double.yaml", 10, "identifiant « essai-parametre » en double"),
    ("parent-inconnu.yaml", 3, "couche parente inconnue « haute-garone »"),
    ("remplace-inconnu.yaml", 7, "« remplace: candidats-delai-national » : aucune règle parente"),
    ("suppression-inconnue.yaml", 5, "suppression de « regle-qui-n-existe-pas »"),
    ("surcharge-inconnue.yaml", 5, "surcharge de « deduction-mutation »"),
    ("redefinition-silencieuse.yaml", 5, "« reponse-10-jours » existe déjà dans la couche « national »"),
    ("champ-inconnu.yaml", 9, "champ inconnu « logement.quartier »"),
    ("sans-libelle.yaml", 5, "clé obligatoire « libelle » absente"),
    ("sans-source.yaml", 5, "clé obligatoire « source » absente"),
    ("surcharge-sans-source.yaml", 5, "« source » (le texte qui la fixe) ou « interpretation »"),
    ("cle-en-double.yaml", 9, "clé « libelle » en double"),
    ("nature-inconnue.yaml", 6, "« nature » inconnue « plafond »"),
    ("surcharge-valeur-invalide.yaml", 8, "valeur « semaines » non reconnue"),
    ("yaml-invalide.yaml", 8, "mettez-le entre guillemets"),
    # YAML that policy staff never mean: refused with its line, never expanded nor read the YAML 1.1 way
    ("ancre-yaml.yaml", 4, "ancre YAML « &source » refusée"),
    ("alias-recursif.yaml", 5, "alias YAML « *boucle » refusé"),
    ("etiquette-yaml.yaml", 4, "étiquette YAML « !!str » refusée"),
    ("cle-de-fusion.yaml", 5, "« << » refusé"),
    ("nombre-octal.yaml", 12, "nombre « 014 » refusé : YAML le lit en octal (12) ; écrivez 14"),
    ("nombre-hexadecimal.yaml", 12, "nombre « 0x0C » refusé : YAML le lit en hexadécimal (12)"),
    ("nombre-binaire.yaml", 12, "nombre « 0b1100 » refusé : YAML le lit en binaire (12)"),
    ("nombre-souligne.yaml", 12, "nombre « 1_2 » refusé : pas de « _ » dans un nombre ; écrivez 12"),
    ("nombre-sexagesimal.yaml", 12, "nombre « 1:20 » refusé : YAML le lit en base 60 (80)"),
    ("nombre-infini.yaml", 12, "nombre « .inf » refusé : attendu un nombre fini"),
    ("date-annee.yaml", 12, "date invalide « 2024 » : attendu AAAA-MM-JJ"),
    ("date-horodatage.yaml", 12, "date invalide « 0 » : attendu AAAA-MM-JJ"),
    ("date-et-heure.yaml", 12, "date invalide « 2024-01-01 08:30:00 » : attendu AAAA-MM-JJ"),
    ("date-guillemets-invalide.yaml", 12, "date invalide « 2024-02-30 » : attendu AAAA-MM-JJ"),
    # a copy that would shadow a layer, an override that would shadow another
    ("couche-deja-livree.yaml", 2, "la couche « rhone » est déclarée deux fois, ici et en rules/rhone/rhone.yaml:2"),
    ("surcharge-en-double.yaml", 8, "surcharge de « reponse-10-jours » en double dans la couche (déjà en "),
]


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_bad_rule_file_reports_file_line_and_message(name, line, words):
    path = HERE / name
    _, problems = validate_paths([path])
    rendered = [str(p) for p in problems]
    assert any(r.startswith(f"{p.fichier}:{line}: ") and words in r and p.fichier.endswith(name)
               for r, p in zip(rendered, problems, strict=True)), rendered


def test_cycle_shows_the_path():
    _, problems = validate_paths([HERE / "cycle"])
    messages = [str(p) for p in problems]
    assert any("héritage circulaire" in m and "essai-cycle-a → essai-cycle-b → essai-cycle-a" in m
               or "essai-cycle-b → essai-cycle-a → essai-cycle-b" in m for m in messages), messages
    assert all(":3: " in m for m in messages if "circulaire" in m)


FIXTURES = sorted(p.name for p in HERE.iterdir() if p.name != "milliard-de-rires.yaml")  # tested under a cap


@pytest.mark.parametrize("name", FIXTURES)
def test_every_bad_fixture_exits_2_with_file_line_lines(name):
    """Through the command line: exit 2, each problem ``FILE:LINE: message``, never a traceback."""
    result = invoke(["rules", "validate", HERE / name], 2)
    lines = result.output.strip().splitlines()
    assert lines[-1].endswith("rien n'a été évalué.")
    assert all(":" in line.split(" ")[0] for line in lines[:-1]), lines


def test_billion_laughs_is_refused_without_expanding(tmp_path):
    """A 400-byte file of nested aliases would take gigabytes: refused at once, under a 1 GiB cap."""
    fixture = HERE / "milliard-de-rires.yaml"
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)); "
            "from engine.ruleset.validate import validate_paths; "
            "from pathlib import Path; "
            f"_, problems = validate_paths([Path({str(fixture)!r})]); "
            "print('\\n'.join(map(str, problems)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).parents[2])
    assert out.returncode == 0, out.stderr[-2000:]
    assert "milliard-de-rires.yaml:4: ancre YAML « &a » refusée" in out.stdout
    assert "milliard-de-rires.yaml:5: alias YAML « *a » refusé" in out.stdout


def test_quoted_date_key_is_read_as_the_date(tmp_path):
    """``"2024-01-01":`` as a ``valeurs`` key is the date: the same rule as written without quotes."""
    text = (HERE / "nombre-octal.yaml").read_text(encoding="utf-8").replace("014", "14")
    plain = tmp_path / "sans-guillemets.yaml"
    plain.write_text(text.replace("essai-octal", "essai-sans-guillemets"), encoding="utf-8")
    quoted = tmp_path / "guillemets.yaml"
    quoted.write_text(text.replace("essai-octal", "essai-guillemets").replace("2024-01-01:", '"2024-01-01":'),
                      encoding="utf-8")
    assert validate_paths([quoted]) == (1, [])
    rules = [load_ruleset(str(p)).rules["essai-delai"] for p in (plain, quoted)]
    assert [d for d, _ in rules[0].dated] == [d for d, _ in rules[1].dated]
    assert rules[1].at(dt.date(2024, 6, 1)).nombre == 14
    invoke(["rules", "show", quoted, "--format", "json"], 0)
