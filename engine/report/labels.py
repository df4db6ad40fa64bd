"""French words for the codes of the JSON (statut, base de décompte, type…): what every human format prints.

JSON keeps the codes (``non_atteint``, ``mise_a_disposition``); tables, Markdown, HTML and the CSV for
spreadsheets print these words. A ceiling obligation (``sens: maximum``, État ≤ 30 %) is « respecté » or
« dépassé », never « atteint ».

>>> statut("non_atteint"), statut("atteint", "maximum"), statut("non_atteint", "maximum")
('non atteint', 'respecté', 'dépassé')
>>> word("mise_a_disposition"), word("jours_ouvres"), word("etat"), word("O-12")
('mise à disposition', 'jours ouvrés', 'État', 'O-12')
"""

from __future__ import annotations

STATUTS = {"atteint": "atteint", "non_atteint": "non atteint", "non_applicable": "non applicable",
           "indetermine": "indéterminé"}
STATUTS_PLAFOND = {**STATUTS, "atteint": "respecté", "non_atteint": "dépassé"}

WORDS = {
    # bases de décompte and record types (events.md)
    "mise_a_disposition": "mise à disposition", "attribution": "attribution", "bail": "bail",
    "liberation": "libération", "impossibilite": "impossibilité", "candidats": "candidats", "reprise": "reprise",
    "caleol": "CALEOL", "caleol_attribution": "attribution en CALEOL", "reponse": "réponse", "refus": "refus",
    "mise_en_service": "mise en service", "annulation": "annulation", "exercice": "en-tête d'exercice",
    # types of réservataires
    "etat": "État", "collectivite": "collectivité", "departement": "département",
    "action_logement": "Action Logement", "bailleur": "bailleur", "autre": "autre",
    # deadlines, units, modes, methods, checks
    "depasse": "dépassé", "respecte": "respecté", "jours_ouvres": "jours ouvrés", "jours_ouvrables": "jours ouvrables",
    "jours_calendaires": "jours calendaires", "mois": "mois", "obligatoire": "obligatoire", "facultatif": "facultatif",
    "aucun": "aucun", "directe": "directe", "deleguee": "déléguée", "assiette": "assiette",
    "droits_acquis": "droits acquis", "conforme": "conforme", "ecart": "écart", "minimum": "minimum",
    "maximum": "maximum", "plus_proche": "au plus proche", "superieur": "supérieur", "inferieur": "inférieur",
    "brut": "brut", "arrondi": "arrondi", "reprise_possible": "reprise possible", "refus_implicite": "refus implicite",
    "restitution": "restitution", "information": "information", "apres": "après", "avant": "avant",
    "delai_depasse": "délai dépassé", "refus_tous": "refus de tous les candidats",
    "non_attribution": "non-attribution", "attribution_sous_condition": "attribution sous condition",
    "irrecevable": "irrecevable", "acceptation": "acceptation",
}


def statut(code: str | None, sens: str | None = "minimum") -> str:
    """The French word of an obligation's statut; a ceiling (``maximum``) is respected or exceeded."""
    if code is None:
        return "—"
    return (STATUTS_PLAFOND if sens == "maximum" else STATUTS).get(code, code)


def word(code) -> str:
    """The French word of a code, or the value as it is when it is not one (an id, a name)."""
    if code is None:
        return "—"
    return WORDS.get(code, code) if isinstance(code, str) else str(code)
