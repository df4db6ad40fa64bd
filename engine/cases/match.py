"""What a case expects is a subset of what the engine gave: each difference at the expectation's own line.

- a mapping expects each of its keys (a mapping expected where the result has a list of objects with an
  ``id``, such as ``obligations``, picks them by id);
- a list of objects expects each of its items to match one item of the result, in any order; ``[]`` expects
  an empty list; ``delais_depasses``, ``offres_decomptees`` and ``echeances_ouvertes`` are expected whole (no more, no fewer);
- ``interpretations: [id, …]`` expects exactly the rules whose interpretations the figures rest on;
- a decimal number matches within the case's ``tolerance``; ``true``/``false`` are never numbers.

>>> out = []
>>> compare({"a": 1, "b": [{"id": "x", "v": 0.25}]}, {"a": 2, "b": {"x": {"v": 0.25}}}, ("a",),
...         lambda loc: 7, out.append)
>>> out
[(7, 'a : attendu 2, obtenu 1')]
"""

from __future__ import annotations

from collections.abc import Callable

WHOLE_LISTS = {"delais_depasses", "offres_decomptees", "delais", "echeances_ouvertes"}  # one too many is a wrong figure


def shown(value) -> str:
    if value is True:
        return "vrai"
    if value is False:
        return "faux"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"« {value} »"
    return str(value)


def compare(got, want, path: tuple, line: Callable[[tuple], int], fail: Callable[[tuple[int, str]], None],
            tolerance: float = 1e-9, shown_path: tuple = ()) -> None:
    """Report each way ``got`` differs from ``want`` as ``(line, message)``; ``path`` locates ``want`` in the
    case file, ``shown_path`` names the figure in the message."""
    label = ".".join(str(p) for p in shown_path) or "résultat"
    if isinstance(want, dict):
        if isinstance(got, list) and all(isinstance(g, dict) and "id" in g for g in got):
            got = {g["id"]: g for g in got}
        if not isinstance(got, dict):
            fail((line(path), f"{label} : attendu un objet, obtenu {shown(got)}"))
            return
        for key, value in want.items():
            if key not in got:
                fail((line(path + (key,)), f"{label}.{key} : attendu {_brief(value)}, absent du résultat"))
                continue
            if key == "interpretations" and isinstance(value, list) and all(isinstance(v, str) for v in value):
                ids = sorted({i["regle"] for i in got[key]})
                if ids != sorted(value):
                    fail((line(path + (key,)), f"{label}.{key} : attendu {value}, obtenu {ids}"))
                continue
            compare(got[key], value, path + (key,), line, fail, tolerance, shown_path + (key,))
        return
    if isinstance(want, list):
        if not isinstance(got, list):
            fail((line(path), f"{label} : attendu une liste, obtenu {shown(got)}"))
            return
        whole = shown_path[-1:] and shown_path[-1] in WHOLE_LISTS
        if not want or not all(isinstance(w, dict) for w in want):
            _equal_lists(got, want, path, line, fail, tolerance, label)
            return
        left = list(got)
        for i, item in enumerate(want):
            match = next((g for g in left if _matches(g, item, tolerance)), None)
            if match is None:
                fail((line(path + (i,)), f"{label} : attendu un élément {_brief(item)}, aucun ne correspond "
                                          f"(obtenu {_brief(got)})"))
            else:
                left.remove(match)
        if whole and left:
            fail((line(path), f"{label} : {len(left)} élément(s) de plus que ceux attendus : {_brief(left)}"))
        return
    if not _same(got, want, tolerance):
        fail((line(path), f"{label} : attendu {shown(want)}, obtenu {shown(got)}"))


def _equal_lists(got, want, path, line, fail, tolerance, label) -> None:
    if len(got) != len(want) or not all(_matches(g, w, tolerance) for g, w in zip(got, want, strict=False)):
        fail((line(path), f"{label} : attendu {_brief(want)}, obtenu {_brief(got)}"))


def _matches(got, want, tolerance: float) -> bool:
    out: list = []
    compare(got, want, (), lambda loc: 0, out.append, tolerance)
    return not out


def _same(got, want, tolerance: float) -> bool:
    if isinstance(got, bool) or isinstance(want, bool) or got is None or want is None:
        return got is want or (got == want and type(got) is type(want))
    if isinstance(got, (int, float)) and isinstance(want, (int, float)):
        return abs(got - want) <= tolerance
    return got == want


def _brief(value) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 200 else text[:197] + "…"
