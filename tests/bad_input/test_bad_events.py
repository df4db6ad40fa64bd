"""One broken event log per kind of invalid record: FILE:LINE and exit 2; --skip-invalid keeps the count."""

import json
from pathlib import Path

import pytest

from engine.problems import BadInput
from engine.year.evaluate import evaluate_file
from tests.conftest import invoke

HERE = Path(__file__).parent / "events"

CASES = [
    ("json-invalide.jsonl", 3, "JSON invalide"),
    ("champ-absent.jsonl", 3, "champ obligatoire « menage » absent"),
    ("mauvais-type.jsonl", 3, "« logement » : attendu une chaîne"),
    ("type-inconnu.jsonl", 3, "type inconnu « proposition »"),
    ("date-invalide.jsonl", 3, "date invalide « 2024-02-30 »"),
    ("id-en-double.jsonl", 3, "identifiant « m » en double (déjà ligne 2)"),
    ("menage-invalide.jsonl", 3, "« quartile » attendu 1, 2, 3 ou 4"),
    ("valeur-non-reconnue.jsonl", 5, "« decision » : valeur « acceptee » non reconnue"),
    ("utf8-dans-une-cle.jsonl", 3, "octet 0xff invalide en UTF-8"),
    ("rang-immense.jsonl", 3, "« rang » : attendu un entier de 1 à 9999"),
    ("imbrication-profonde.jsonl", 3, "imbriqués sur plus de 32 niveaux"),
    ("nombre-infini.jsonl", 3, "JSON invalide (number is infinity"),
    ("date-semaine-iso.jsonl", 3, "date invalide « 2024-W10-2 » : attendu AAAA-MM-JJ"),
    ("entree-sans-tirets.jsonl", 3, "« entree » : date invalide « 20240405 »"),
    ("preavis-booleen.jsonl", 3, "« preavis_mois » : attendu 1 ou 3"),
    ("logement-info-qpv.jsonl", 3, "« logement_info » : « qpv » : valeur « peut-etre »"),
    ("logement-info-typologie.jsonl", 3, "« logement_info » : typologie « T99 »"),
]
HEADERS = [
    ("en-tete-regles-nombre.jsonl", "« regles » : attendu le nom d'un jeu de règles"),
    ("en-tete-regles-booleen.jsonl", "« regles » : attendu le nom d'un jeu de règles"),
    ("en-tete-regles-liste.jsonl", "« regles » : attendu le nom d'un jeu de règles"),
    ("en-tete-bailleur-liste.jsonl", "« bailleur » : attendu le nom du bailleur"),
    ("en-tete-annee-texte.jsonl", "« annee » : attendu une année"),
]


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_invalid_record_exits_2_with_file_line(name, line, words):
    path = HERE / name
    result = invoke(["evaluate", path, "--format", "json"], 2)
    assert f"{name}:{line}: " in result.output and words in result.output, result.output


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_skip_invalid_reports_every_rejected_line(name, line, words):
    result = invoke(["evaluate", HERE / name, "--format", "json", "--skip-invalid"], 0)
    data = json.loads(result.stdout)
    ev = data["evenements"]
    assert ev["lus"] == ev["evalues"] + ev["rejetes"] == 3
    assert [r["ligne"] for r in ev["rejets"]] == [line]


def _outcome(path, **kw):
    try:
        return evaluate_file(path, **kw).result
    except BadInput as exc:
        return [str(p) for p in exc.problems]


@pytest.mark.parametrize("name,line,words", CASES, ids=[c[0] for c in CASES])
def test_a_bad_line_is_refused_with_its_message_by_one_process_or_several(name, line, words):
    """The typed decoder of pass 1, then the detailed check, then orjson in pass 2 (the line of 1e400, which the
    typed decoder skips unread): one message, whether one process reads the file or two share it."""
    path = HERE / name
    alone = _outcome(path)
    assert alone == _outcome(path, keep_offers=False, workers=2)
    assert any(f"{name}:{line}: " in p and words in p for p in alone), alone
    kept = _outcome(path, skip_invalid=True)
    assert kept == _outcome(path, skip_invalid=True, keep_offers=False, workers=2)
    assert line in [r["ligne"] for r in kept["evenements"]["rejets"]]


def test_bad_lines_in_a_long_log_read_in_parts_give_the_answer_of_one_process(tmp_path):
    """Each bad line of CASES inside a generated year read by one, two and three processes: the same rejections
    (each bad line, at its place) and the same result (the line of 1e400, which the typed decoder skips,
    included)."""
    from engine.generate import generate

    lines = generate(200, 3000, 21)[1].encode().splitlines()
    import re

    bad = [(HERE / name).read_bytes().splitlines()[line - 1] for name, line, _ in CASES
           if line == 3 and name != "id-en-double.jsonl"]
    for i, extra in enumerate(bad):  # dated as the line before it: the file stays in date order
        day = re.search(rb'"date": "([0-9-]{10})"', lines[199 + i * 180]).group(1)
        lines.insert(200 + i * 180, re.sub(rb'"date": "2024-03-0[0-9]"', b'"date": "' + day + b'"', extra))
    path = tmp_path / "annee.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    alone = _outcome(path, skip_invalid=True)
    placed = [201 + i * 180 for i in range(len(bad))]  # the line numbers of the bad lines inserted
    assert set(placed) <= {r["ligne"] for r in alone["evenements"]["rejets"]}
    for workers in (2, 3):
        assert _outcome(path, skip_invalid=True, keep_offers=False, workers=workers) == alone, workers
    refused = _outcome(path)
    assert _outcome(path, keep_offers=False, workers=2) == refused
    assert all(any(p.startswith(f"{path}:{line}: ") for p in refused) for line in placed), refused


@pytest.mark.parametrize("name,words", HEADERS, ids=[c[0] for c in HEADERS])
def test_a_bad_header_is_said_as_it_is(name, words):
    """FILE:1: message, never a traceback; with --skip-invalid the real cause, not « ajoutez un en-tête »."""
    path = HERE / name
    for extra in ([], ["--skip-invalid"]):
        result = invoke(["evaluate", path, "--format", "json", *extra], 2)
        assert f"{name}:1: " in result.output and words in result.output, result.output
        assert "ajoutez un en-tête" not in result.output
    assert _outcome(path) == _outcome(path, keep_offers=False, workers=2)
    kept = invoke(["evaluate", path, "--format", "json", "--skip-invalid", "--rules", "haute-garonne", "--year",
                   "2024"], 0)
    ev = json.loads(kept.stdout)["evenements"]
    assert ev["lus"] == 3 == ev["evalues"] + ev["rejetes"] and [r["ligne"] for r in ev["rejets"]] == [1]


@pytest.mark.parametrize("name,words", [
    ("annulation-de-l-en-tete.jsonl", "celui de l'en-tête « exercice » (ligne 1)"),
    ("annulation-d-une-annulation.jsonl", "celui d'une annulation (ligne 3)"),
])
def test_an_annulation_of_the_header_or_of_an_annulation_says_what_it_names(name, words):
    result = evaluate_file(HERE / name).result
    motifs = [r["motif"] for r in result["evenements"]["rejets"]]
    assert len(motifs) == 1 and words in motifs[0] and "aucun enregistrement" not in motifs[0], motifs


def test_auto_ids_name_the_file_not_the_path():
    """``<file>:<line>``: the annulation of « annulation-identifiant-auto.jsonl:2 » cancels line 2 however the
    path is spelled."""
    spelled = HERE / ".." / "events" / "." / "annulation-identifiant-auto.jsonl"
    for path in (spelled, HERE / "annulation-identifiant-auto.jsonl"):
        result = evaluate_file(path, shown=str(path)).result
        assert result["evenements"]["rejets"] == [] and result["reservataires"] == [], path


def test_a_year_before_the_rules_take_effect_is_refused_not_counted_by_the_code():
    """2019 under the Haute-Garonne rules: no counting rule and no counting base is in force on 31/12/2019 (their
    values start on 24/11/2023). Counting nothing (décompte 0) on a base the code picks would be a figure no text
    gives: refused, at the header that names the year, or at --year, with the date the rules take effect."""
    name = "exercice-avant-les-regles.jsonl"
    for extra, where in (([], f"{name}:1: "), (["--skip-invalid"], f"{name}:1: "), (["--year", "2022"], "--year: ")):
        result = invoke(["evaluate", HERE / name, "--format", "json", *extra], 2)
        year = "2022" if extra[:1] == ["--year"] else "2019"
        assert f"{where}exercice {year} : aucune règle de décompte des règles « haute-garonne » n'est en vigueur " \
               f"au 31/12/{year} ; la première prend effet le 24/11/2023 (« decompte-" in result.output, result.output
        assert f"{where}exercice {year} : aucune base de décompte" in result.output, result.output
    assert "Décompte" in invoke(["evaluate", HERE / name, "--year", "2024"], 0).output


def test_a_reservataire_whose_counting_base_is_not_yet_in_force_is_refused(tmp_path):
    """A layer that dates two rules from 2022 (the État's base and the counting at attribution) and leaves the
    others from 24/11/2023: in 2022 Action Logement has no counting base, and counting its lease by a base the code
    picks (« bail ») would be a figure no text gives. Refused, with the rule and the date it takes effect."""
    layer = tmp_path / "partiel.yaml"
    layer.write_text("couche: essai-partiel\nniveau: convention\nherite_de: haute-garonne\nlibelle: Essai\n"
                     "source: essai\nsurcharges:\n  - id: base-etat\n    source: essai\n"
                     "    valeurs: {2022-01-01: {base: attribution}}\n  - id: decompte-attribution\n    source: essai\n"
                     "    valeurs: {2022-01-01: {decision: compte, evenement: attribution}}\n", encoding="utf-8")
    log = tmp_path / "partiel.jsonl"
    log.write_text("\n".join(json.dumps(r) for r in [
        {"type": "exercice", "annee": 2022, "regles": str(layer)},
        {"type": "mise_a_disposition", "date": "2022-03-04", "offre": "O-1", "logement": "L1",
         "reservataire": "ACTION LOGEMENT"}]) + "\n", encoding="utf-8")
    result = invoke(["evaluate", log, "--format", "json"], 2)
    assert ("essai-partiel: aucune base de décompte des règles « essai-partiel » ne s'applique au 31/12/2022 à "
            "« action-logement » (type action_logement) ; « base-action-logement » prend effet le 24/11/2023 (") \
        in result.output, result.output
