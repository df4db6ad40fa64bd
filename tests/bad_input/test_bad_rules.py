"""One broken rule file per mistake: each must be reported as FILE:LINE with a precise French message."""

from pathlib import Path

import pytest

from engine.ruleset.validate import validate_paths

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
