"""The fields a condition may read, per rule nature (a plain-dict registry).

A condition on a field not listed here is an error in the rule file: a typo
must not silently make a rule never apply. Extra inventory columns are read
as ``logement.autres.<colonne>``.
"""

from __future__ import annotations

LOGEMENT = {
    "logement.rpls_id": "identifiant RPLS",
    "logement.bailleur": "bailleur",
    "logement.reservataire": "réservataire historique (stock)",
    "logement.commune": "commune",
    "logement.epci": "EPCI",
    "logement.departement": "département",
    "logement.qpv": "en quartier prioritaire (vrai/faux)",
    "logement.typologie": "nombre de pièces (T3 = 3)",
    "logement.financement": "financement (PLAI, PLUS, PLS, PLI...)",
    "logement.collectif_individuel": "collectif / individuel",
    "logement.annee_construction": "année de construction ou de mise en service",
    "logement.accessibilite": "pmr, ufr ou vide",
    "logement.categorie": "familial, foyer, residence_sociale, etudiant, residence_services, chrs, medico_social",
    "logement.reservation_speciale": "defense, securite_interieure, sante ou vide",
    "logement.en_vente": "dans un plan de vente (L443-7)",
    "logement.demolition": "voué à la démolition",
    "logement.conventionnement": "apl, pre1977, l411_6, sem_non_apl, pli, lli, non_conventionne, indetermine",
    "logement.sortie_patrimoine": "motif de sortie du patrimoine l'année précédente (RPLS SORTIEPATRIM) : "
                                  "vente_occupant, vente_bailleur_social, autre_vente, demolition, autre, sans_objet",
    "logement.occupation": "occupation au 1er janvier (RPLS MODE) : loue, vacant, vide, association, occupe_autre, "
                           "sans_objet",
    "logement.contingent": "contingent de réservation (RPLS CONTRESLOG) : etat_fonctionnaires, etat_prioritaires, "
                           "action_logement, collectivites, etat_conventions_r314, autres, non_reserve",
}

RESERVATAIRE = {
    "reservataire.id": "identifiant du réservataire",
    "reservataire.type": "etat, collectivite, departement, action_logement, bailleur, autre",
    "reservataire.mode_gestion": "directe ou deleguee",
    "reservataire.partie_de": "contingent parent (ex. etat)",
}

OFFRE = {
    "offre.base": "base de décompte du réservataire (mise_a_disposition, attribution, bail)",
    "offre.mise_a_disposition": "l'offre a été mise à disposition dans le cycle",
    "offre.attribuee": "la CALEOL a attribué le logement à au moins un ménage",
    "offre.bail": "un bail a été signé",
    "offre.neuf": "première mise en location d'un programme neuf",
    "offre.reprise": "le bailleur a repris le logement",
    "offre.reprise_motif": "delai_depasse, impossibilite, refus_tous, autre (vide sans reprise)",
    "offre.imputer_au_reservataire": "le bailleur impute sa propre attribution au réservataire",
    "offre.impossibilite": "le réservataire a déclaré ne pas pouvoir désigner de candidat",
    "offre.nb_candidats": "nombre de candidats désignés par le réservataire",
    "offre.refus": "nombre de propositions refusées (explicitement ou par silence)",
    "offre.refus_adaptes": "nombre de propositions adaptées refusées",
    "offre.deja_compte_vacance": "une offre antérieure de la même vacance a déjà été décomptée",
    "offre.zone": "tendue ou detendue",
    "offre.preavis_mois": "préavis du locataire sortant (1 ou 3 mois)",
    "offre.relogement": "relogement (anru, orcod, lhi) du ménage retenu : le locataire, sinon le premier attributaire",
}

MENAGE = {
    "menage.dalo": "décision DALO favorable",
    "menage.prioritaire": "ménage prioritaire (PDALHPD / ACD ; DALO inclus)",
    "menage.quartile": "quartile de ressources (1 = premier quartile)",
    "menage.mutation": "déjà locataire du parc social",
    "menage.relogement": "anru, orcod, lhi ou vide",
    "menage.salarie": "salarié ou demandeur d'emploi",
    "menage.motif": "motif de priorité",
}

ALLOWED = {
    ("exclusion", "condition"): LOGEMENT,
    ("inclusion", "condition"): LOGEMENT,
    ("base_decompte", "condition"): RESERVATAIRE,
    ("decompte", "condition"): {**OFFRE, **RESERVATAIRE, **LOGEMENT},
    ("delai", "condition"): {**OFFRE, **RESERVATAIRE, **LOGEMENT},
    ("obligation", "applicable_a"): RESERVATAIRE,
    ("obligation", "numerateur"): {**MENAGE, **LOGEMENT, **OFFRE},
    ("obligation", "denominateur"): {**MENAGE, **LOGEMENT, **OFFRE},
}


def allowed(nature: str, key: str) -> dict[str, str]:
    return ALLOWED.get((nature, key), {})


def is_known(field: str, catalog: dict[str, str]) -> bool:
    if field in catalog:
        return True
    return field.startswith("logement.autres.") and any(k.startswith("logement.") for k in catalog)
