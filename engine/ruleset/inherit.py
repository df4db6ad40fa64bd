"""Inheritance of layers: national → département → convention → scénario.

Parents form a networkx DAG (a missing parent or a cycle is a problem
showing the path). Rules merge by id: a child adds rules, replaces one
(``remplace``), modifies fields of one (``surcharges``) or removes one
(``suppressions``) — never silently: replacing without saying so is an
error. The effective rule set keeps, for every value, the file and line
that set it.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from pydantic import TypeAdapter, ValidationError

from engine.problems import CONSEQUENCE, BadInput, Problem
from engine.ruleset import fields as catalog
from engine.ruleset import home
from engine.ruleset.load import ParsedFile, display, parse_file, rule_files
from engine.ruleset.model import PARAMS, Regle, RuleFile

RULE = TypeAdapter(Regle)
Where = tuple[str, int]


@dataclass
class Layer:
    name: str
    niveau: str
    parent: str | None
    files: list[ParsedFile] = field(default_factory=list)
    broken: list[ParsedFile] = field(default_factory=list)  # files naming this layer that are invalid

    def meta(self, key: str):
        for f in self.files:
            value = getattr(f.model, key, None) if f.model else None
            if value:
                return value
        return None


@dataclass
class EffectiveRule:
    """A rule after inheritance, with the provenance of each of its values."""

    rule: object
    layer: str
    where: Where
    provenance: dict[str, Where]
    history: list[str]
    dated: list[tuple[dt.date, object]]
    # "*" (the rule as a whole) or "valeurs.<date>" → (the sentence, file and line): where the project chose
    interpretations: dict[str, tuple[str, Where]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def nature(self) -> str:
        return self.rule.nature

    def at(self, on: dt.date):
        """Parameters in force on ``on`` (None before the first date)."""
        current = None
        for start, params in self.dated:
            if start <= on:
                current = params
            else:
                break
        return current

    def interpretations_at(self, on: dt.date | None = None) -> list[tuple[str, Where]]:
        """The interpretations the value in force on ``on`` rests on (every one when ``on`` is None): the
        rule's own and its dated value's."""
        out = [self.interpretations["*"]] if "*" in self.interpretations else []
        if on is None:
            return out + [v for k, v in sorted(self.interpretations.items()) if k != "*"]
        key = None
        for start, _ in self.dated:
            if start <= on:
                key = start
        if key is not None and f"valeurs.{key}" in self.interpretations:
            out.append(self.interpretations[f"valeurs.{key}"])
        return out

    def interpretation_records(self, on: dt.date | None = None) -> list[dict]:
        """The interpretations as the outputs list them: the rule, the value covered (``depuis``: None for the
        whole rule), the sentence and its file:line."""
        wanted = None if on is None else set(self.interpretations_at(on))
        return [{"regle": self.id, "depuis": None if key == "*" else key.removeprefix("valeurs."), "texte": text,
                 "fichier_ligne": f"{spot[0]}:{spot[1]}"}
                for key, (text, spot) in sorted(self.interpretations.items())
                if wanted is None or (text, spot) in wanted]

    def since(self, on: dt.date) -> Where:
        """File:line that set the value in force on ``on``."""
        key = None
        for start, _ in self.dated:
            if start <= on:
                key = start
        return self.provenance.get(f"valeurs.{key}", self.where)


@dataclass
class RuleSet:
    name: str
    chain: list[str]
    rules: dict[str, EffectiveRule]
    layers: dict[str, Layer]
    removed: list[tuple[str, str, Where, str]]

    def of(self, nature: str) -> list[EffectiveRule]:
        return [r for r in self.rules.values() if r.nature == nature]

    def meta(self, key: str):
        for name in reversed(self.chain):
            value = self.layers[name].meta(key)
            if value:
                return value
        return None


class Catalog:
    """All layers found, parsed once: the shipped rule sets and the user's folders, or those of ``root``
    (a folder with ``rules/`` and ``scenarios/``). Finding no rule file at all is an error saying where it looked."""

    def __init__(self, root: Path | None = None, extra_files: list[Path] = ()):
        if root is None:
            missing = home.missing_folders()
            if missing:
                raise BadInput(missing)
            folders = [(f, f.name == "scenarios") for f in home.shipped()] + [(p, False) for p, _ in
                                                                              home.user_folders()]
            where = home.looked_in()
        else:
            folders = [(root / "rules", False), (root / "scenarios", True)]
            where = ", ".join(display(f) for f, _ in folders)
        paths = list({p.resolve(): p for folder, marked in folders for p in rule_files(folder, marked)}.values())
        if not paths:
            raise home.nothing_found(folders[0][0] if folders else Path("rules"), where)
        known = {p.resolve() for p in paths}
        paths += [p for p in extra_files if p.resolve() not in known]
        self.root = root
        self.folders = [f for f, _ in folders if f.is_dir()]  # where the layers were found (and their cases)
        self.files = [parse_file(p) for p in paths]
        self.layers: dict[str, Layer] = {}
        self.problems: list[Problem] = []
        self._group()
        self.graph = self._graph()

    def _group(self):
        for f in self.files:
            self.problems.extend(f.problems)
            name = f.model.couche if f.model else declared_couche(f)
            if name is None:  # nothing says which layer this file was meant to be
                continue
            layer = self.layers.get(name)
            if layer is None:
                layer = self.layers[name] = Layer(name, _raw(f, "niveau"), _raw(f, "herite_de"))
            else:
                self._same_layer(layer, f)
            if f.model is None:  # the layer is invalid: its children say so as consequences, not as unknown parents
                layer.broken.append(f)
                continue
            m = f.model
            if not layer.files:
                layer.niveau, layer.parent = m.niveau, m.herite_de
            layer.files.append(f)
            if m.herite_de and layer.parent and m.herite_de != layer.parent:
                self.problems.append(Problem(f.name, f.line("herite_de"),
                                             f"la couche « {m.couche} » hérite déjà de « {layer.parent} » "
                                             f"({layer.files[0].name}) : une couche n'a qu'un parent"))
            layer.parent = layer.parent or m.herite_de
        for layer in self.layers.values():
            if layer.files and layer.niveau != "national" and not layer.parent:
                f = layer.files[0]
                self.problems.append(Problem(f.name, f.line("couche"),
                                             f"la couche « {layer.name} » doit nommer son parent (herite_de)"))

    def _same_layer(self, layer: Layer, f: ParsedFile):
        """Only the national layer is written in several files, those of one folder: any other file naming a
        layer already declared is a copy that would shadow it (both files are named, each at its line)."""
        first = (layer.files + layer.broken)[0]
        levels = {_raw(first, "niveau"), _raw(f, "niveau")} - {None}  # None: a file too broken to say
        if levels == {"national"} and first.path.parent == f.path.parent:
            return
        for here, other in ((f, first), (first, f)):
            self.problems.append(Problem(
                here.name, here.line("couche"),
                f"la couche « {layer.name} » est déclarée deux fois, ici et en {other.name}:{other.line('couche')} "
                f"(une copie ?) : une couche tient dans un seul fichier (seule « national » est répartie entre les "
                f"fichiers d'un dossier) ; donnez à l'un des deux un autre nom, par exemple "
                f"« couche: {layer.name}-2025 »"))

    def _graph(self) -> nx.DiGraph:
        graph = nx.DiGraph()
        for layer in self.layers.values():
            graph.add_node(layer.name)
            if layer.parent:
                if layer.parent not in self.layers:
                    f = next(x for x in layer.files + layer.broken if _raw(x, "herite_de"))
                    self.problems.append(Problem(
                        f.name, f.line("herite_de"),
                        f"couche parente inconnue « {layer.parent} » ; couches connues : "
                        + ", ".join(sorted(self.layers))))
                else:
                    graph.add_edge(layer.parent, layer.name)
        for cycle in nx.simple_cycles(graph):
            path = " → ".join(cycle + [cycle[0]])
            f = next(x for x in self.layers[cycle[0]].files + self.layers[cycle[0]].broken if _raw(x, "herite_de"))
            self.problems.append(Problem(f.name, f.line("herite_de"), f"héritage circulaire : {path}"))
        return graph

    def names(self) -> list[str]:
        return sorted(self.layers)

    def chain(self, name: str) -> list[str]:
        """Ancestors first, ``name`` last."""
        chain = [name]
        while self.layers[chain[-1]].parent in self.layers:
            parent = self.layers[chain[-1]].parent
            if parent in chain:
                break
            chain.append(parent)
        return list(reversed(chain))

    def resolve(self, name: str) -> RuleSet:
        """The effective rule set of a layer (name, or path of a rule file)."""
        path = Path(name)
        if path.suffix in (".yaml", ".yml"):
            parsed = next((f for f in self.files if f.path.resolve() == path.resolve()), None)
            if parsed is None:  # not in the catalog: a file of a layer it has would not be read (load_ruleset adds it)
                parsed = parse_file(path)
                if parsed.problems:
                    raise BadInput(parsed.problems)
                if parsed.model.couche in self.layers:
                    first = (self.layers[parsed.model.couche].files + self.layers[parsed.model.couche].broken)[0]
                    raise BadInput([Problem(parsed.name, parsed.line("couche"),
                                            f"la couche « {parsed.model.couche} » est déjà déclarée en "
                                            f"{first.name}:{first.line('couche')} : donnez-lui un autre nom")])
            name = parsed.model.couche if parsed.model else name
            if parsed.problems:
                raise BadInput(parsed.problems)
        if name not in self.layers:
            raise BadInput([Problem(name, 0, "règles inconnues : attendu un nom de couche parmi "
                                    + ", ".join(self.names()) + " ou le chemin d'un fichier YAML")])
        chain = self.chain(name)
        for ancestor in chain[:-1]:
            causes = self._own_problems(ancestor)
            if causes:  # the root cause first, then what it does to this layer, once
                raise BadInput(causes + [self.consequence(ancestor, [name])])
        causes = self._own_problems(name)
        if causes:
            raise BadInput(causes)
        return merge(name, chain, self.layers)[0]

    def _own_problems(self, name: str) -> list[Problem]:
        """What is wrong in the layer itself, its parents being valid: its files, then its merge."""
        layer = self.layers[name]
        files = {f.name for f in layer.files + layer.broken}
        problems = [p for p in self.problems if p.fichier in files]
        if not problems:
            problems = merge(name, self.chain(name), self.layers)[1]
        return problems

    def consequence(self, invalid: str, layers: list[str]) -> Problem:
        """One problem, at the invalid layer's ``couche`` line, for every layer that inherits it."""
        f = (self.layers[invalid].broken + self.layers[invalid].files)[0]
        if len(layers) == 1:
            what = f"la couche « {layers[0]} » hérite de « {invalid} », invalide"
        else:
            what = f"{len(layers)} couches héritent de « {invalid} », invalide : " + ", ".join(sorted(layers))
        return Problem(f.name, f.line("couche"), f"conséquence : {what} (corrigez d'abord le problème ci-dessus)",
                       CONSEQUENCE)


def declared_couche(f: ParsedFile) -> str | None:
    """The layer a file names, even when it is invalid (from its ``couche:`` line when the YAML is broken)."""
    name = _raw(f, "couche")
    if name is None and not f.data:
        try:
            text = f.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        match = re.search(r"^couche:[ \t]*[\"']?([a-z0-9-]+)[\"']?[ \t]*(#.*)?$", text, re.MULTILINE)
        if match:
            name = match.group(1)
            f.positions.setdefault(("couche",), match.string.count("\n", 0, match.start()) + 1)
    return name


def _raw(f: ParsedFile, key: str) -> str | None:
    value = getattr(f.model, key) if f.model else f.data.get(key)
    return value if isinstance(value, str) and value else None


def merge(name: str, chain: list[str], layers: dict[str, Layer]) -> tuple[RuleSet, list[Problem]]:
    raw: dict[str, dict] = {}
    prov: dict[str, dict[str, Where]] = {}
    origin: dict[str, tuple[str, Where]] = {}
    history: dict[str, list[str]] = {}
    chosen: dict[str, dict[str, tuple[str, Where]]] = {}  # interpretations, as EffectiveRule keeps them
    removed = []
    problems: list[Problem] = []
    for layer_name in chain:
        layer = layers[layer_name]
        defined_here: dict[str, Where] = {}
        overlaid_here: dict[str, Where] = {}
        for f in layer.files:
            data = f.data
            for i, entry in enumerate(data.get("suppressions") or []):
                rid = entry["id"]
                where = (f.name, f.line("suppressions", i))
                if rid not in raw:
                    problems.append(Problem(*where, f"suppression de « {rid} » : cette règle n'existe pas dans "
                                                    f"les couches parentes ({', '.join(chain[:chain.index(layer_name)])})"))
                    continue
                removed.append((rid, layer_name, where, entry["motif"]))
                for table in (raw, prov, origin, history, chosen):
                    table.pop(rid, None)
            for i, entry in enumerate(data.get("regles") or []):
                rid = entry["id"]
                where = (f.name, f.line("regles", i))
                if rid in defined_here:
                    problems.append(Problem(*where, f"identifiant « {rid} » en double (déjà défini en "
                                                    f"{defined_here[rid][0]}:{defined_here[rid][1]})"))
                    continue
                defined_here[rid] = where
                target = entry.get("remplace")
                if target:
                    if target not in raw:
                        problems.append(Problem(f.name, f.line("regles", i, "remplace"),
                                                f"« remplace: {target} » : aucune règle parente n'a cet identifiant"))
                        continue
                    note = f"remplace « {target} » de {origin[target][0]}"
                    for table in (raw, prov, origin, history, chosen):
                        table.pop(target, None)
                elif rid in raw:
                    first = origin[rid][1]
                    problems.append(Problem(*where, f"« {rid} » existe déjà dans la couche « {origin[rid][0]} » "
                                                    f"({first[0]}:{first[1]}) : pour la modifier, utilisez "
                                                    f"« surcharges » ou « remplace: {rid} »"))
                    continue
                else:
                    note = "défini"
                raw[rid] = copy.deepcopy(entry)
                prov[rid] = _provenance(entry, f, ("regles", i))
                origin[rid] = (layer_name, where)
                history[rid] = [f"{note} dans « {layer_name} » ({where[0]}:{where[1]})"]
                chosen[rid] = {}
                _note_interpretations(chosen[rid], entry, f, ("regles", i))
            for i, entry in enumerate(data.get("surcharges") or []):
                rid = entry["id"]
                where = (f.name, f.line("surcharges", i))
                if rid not in raw:
                    problems.append(Problem(*where, f"surcharge de « {rid} » : cette règle n'existe pas dans les "
                                                    f"couches parentes"))
                    continue
                if rid in overlaid_here:  # the second would silently win over the first
                    first = overlaid_here[rid]
                    problems.append(Problem(*where, f"surcharge de « {rid} » en double dans la couche (déjà en "
                                                    f"{first[0]}:{first[1]}) : réunissez-les en une seule"))
                    continue
                overlaid_here[rid] = where
                _apply_overlay(raw[rid], prov[rid], entry, f, ("surcharges", i))
                _note_interpretations(chosen[rid], entry, f, ("surcharges", i))
                history[rid].append(f"surchargé dans « {layer_name} » ({where[0]}:{where[1]})")
    rules: dict[str, EffectiveRule] = {}
    for rid, data in raw.items():
        layer_name, where = origin[rid]
        try:
            model = RULE.validate_python(_cumulative(data))
        except ValidationError as exc:
            problems.extend(_merged_problems(exc, prov[rid], where))
            continue
        dated, dated_problems = _dated_values(model, data, prov[rid], where)
        problems.extend(dated_problems)
        rules[rid] = EffectiveRule(model, layer_name, where, prov[rid], history[rid], dated, chosen[rid])
    problems.extend(_semantic_checks(rules))
    return RuleSet(name, chain, rules, {n: layers[n] for n in chain}, removed), problems


def _loc_part(part) -> str:
    """pydantic writes date keys as ``datetime.date(2024, 1, 1)`` in error locations."""
    if isinstance(part, dt.date):
        return part.isoformat()
    match = re.fullmatch(r"datetime\.date\((\d+), (\d+), (\d+)\)", str(part))
    if match:
        return dt.date(*map(int, match.groups())).isoformat()
    return str(part)


def _cumulative(data: dict) -> dict:
    """The rule with each dated value merged over those in force before it (partial surcharges)."""
    if not isinstance(data.get("valeurs"), dict):
        return data
    current: dict = {}
    dated = {}
    for date in sorted(data["valeurs"], key=str):
        params = data["valeurs"][date]
        current = {**current, **params} if isinstance(params, dict) else params
        dated[date] = current
    return {**data, "valeurs": dated}


def _provenance(entry: dict, f: ParsedFile, base: tuple) -> dict[str, Where]:
    out = {}
    for key, value in entry.items():
        out[key] = (f.name, f.line(*base, key))
        if key == "valeurs" and isinstance(value, dict):
            for date, params in value.items():
                out[f"valeurs.{date}"] = (f.name, f.line(*base, key, date))
                if isinstance(params, dict):
                    for param in params:
                        out[f"valeurs.{date}.{param}"] = (f.name, f.line(*base, key, date, param))
    return out


def _apply_overlay(target: dict, prov: dict, entry: dict, f: ParsedFile, base: tuple):
    for key, value in entry.items():
        if key in ("id", "interpretation") or value is None:  # interpretations: see _note_interpretations
            continue
        if key == "valeurs":
            dated = target.setdefault("valeurs", {})
            for date, params in value.items():
                dated[date] = {**dated.get(date, {}), **params} if date in dated else dict(params)
            prov.update({k: v for k, v in _provenance({"valeurs": value}, f, base).items()})
            continue
        target[key] = copy.deepcopy(value)
        prov[key] = (f.name, f.line(*base, key))


def _note_interpretations(table: dict[str, tuple[str, Where]], entry: dict, f: ParsedFile, base: tuple) -> None:
    """What an entry (a rule or a surcharge) says of where its values come from. The dated values it sets
    lose the interpretation they had, unless it gives one again: a value set from the text is the text's.
    A sentence alone covers the values the entry sets (the rule as a whole when it sets none); a mapping
    ``{date: sentence}`` covers the value of each date."""
    dates = list(entry.get("valeurs") or {}) if isinstance(entry.get("valeurs"), dict) else []
    for date in dates:
        table.pop(f"valeurs.{date}", None)
    said = entry.get("interpretation")
    if not said:
        return
    if isinstance(said, dict):
        for date, text in said.items():
            table[f"valeurs.{date}"] = (str(text), (f.name, f.line(*base, "interpretation", date)))
        return
    where = (f.name, f.line(*base, "interpretation"))
    for key in [f"valeurs.{date}" for date in dates] or ["*"]:
        table[key] = (str(said), where)


def _merged_problems(exc: ValidationError, prov: dict[str, Where], where: Where) -> list[Problem]:
    from engine.ruleset.load import french_error
    out = []
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        if loc and loc[0] in PARAMS:
            loc = loc[1:]
        loc = [p for p in loc if not (isinstance(p, str) and (p[:1].isupper() or p.startswith("function-")))]
        key = ".".join(_loc_part(p) for p in loc)
        spot = where
        while key:
            if key in prov:
                spot = prov[key]
                break
            key = key.rpartition(".")[0]
        out.append(Problem(spot[0], spot[1], french_error(err, tuple(loc)), "regle-invalide"))
    return out


def _dated_values(model, data: dict, prov: dict, where: Where):
    """Cumulative dated parameters: each date's values merge over those in force before it."""
    params_model = PARAMS.get(model.nature)
    if params_model is None:
        return [], []
    problems = []
    out = []
    current: dict = {}
    for date in sorted(data.get("valeurs", {})):
        current = {**current, **(data["valeurs"][date] or {})}
        try:
            out.append((date, params_model.model_validate(current)))
        except ValidationError as exc:
            spot = prov.get(f"valeurs.{date}", where)
            problems.extend(Problem(spot[0], spot[1], f"valeurs au {date} : " + _short(err), "regle-invalide")
                            for err in exc.errors(include_url=False))
    return out, problems


def _short(err: dict) -> str:
    from engine.ruleset.load import french_error
    return french_error(err, tuple(err["loc"]))


def _semantic_checks(rules: dict[str, EffectiveRule]) -> list[Problem]:
    problems = []
    reservataires = {r.id for r in rules.values() if r.nature == "reservataire"}
    aliases: dict[str, str] = {}
    for r in rules.values():
        for key in ("condition", "applicable_a", "numerateur", "denominateur"):
            cond = getattr(r.rule, key, None)
            if cond is None:
                continue
            allowed = catalog.allowed(r.nature, key)
            for name in cond.fields():
                if not catalog.is_known(name, allowed):
                    spot = r.provenance.get(key, r.where)
                    near = sorted(k for k in allowed if k.split(".")[0] == name.split(".")[0])
                    hint = ("; champs possibles : " + ", ".join(near)) if near else \
                        "; préfixes possibles : " + ", ".join(sorted({k.split('.')[0] for k in allowed}))
                    problems.append(Problem(spot[0], spot[1], f"condition sur un champ inconnu « {name} »{hint}",
                                            "champ-inconnu"))
        refs = []
        if r.nature == "reservataire":
            refs = [("delegue_a", r.rule.delegue_a), ("partie_de", r.rule.partie_de)]
            for alias in r.rule.alias + [r.id]:
                key = normalise_name(alias)
                if key in aliases and aliases[key] != r.id:
                    spot = r.provenance.get("alias", r.where)
                    problems.append(Problem(spot[0], spot[1], f"alias « {alias} » déjà utilisé par « {aliases[key]} »"))
                aliases[key] = r.id
        elif r.nature == "objectif":
            refs = [("reservataire", r.rule.reservataire)]
        elif r.nature == "annexe1":
            refs = [("valeurs", p.reservataire) for _, p in r.dated]
        for key, ref in refs:
            if ref and ref not in reservataires:
                spot = r.provenance.get(key, r.where)
                problems.append(Problem(spot[0], spot[1], f"réservataire inconnu « {ref} » (attendu un identifiant "
                                                          f"du registre des réservataires)"))
    return problems


def fold_ascii(text: str) -> str:
    """Accents dropped, lower case: ``Réservataire`` → ``reservataire``."""
    import unicodedata
    return unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()


def normalise_name(text: str) -> str:
    """Case, accents, punctuation and spacing ignored: ``C I L Interlogement`` → ``cilinterlogement``.

    >>> normalise_name("Réservataire du bien")
    'reservatairedubien'
    """
    return "".join(ch for ch in fold_ascii(text) if ch.isalnum())


def load_catalog(root: Path | None = None, extra: list[Path] = ()) -> Catalog:
    return Catalog(root, list(extra))


def load_ruleset(name: str, root: Path | None = None) -> RuleSet:
    path = Path(name)
    extra = [path] if path.suffix in (".yaml", ".yml") and path.exists() else []
    return Catalog(root, extra).resolve(name)


__all__ = ["Catalog", "RuleSet", "EffectiveRule", "load_ruleset", "load_catalog", "normalise_name", "RuleFile"]
