"""Low and high values of the methodology parameters for the sensitivity analysis.

A parameter that is a number (``kind: quantity``) moves by ``review.sensitivity_change``
down and up (default ±20 %) unless its ``sensitivity`` gives ``low`` and ``high``; a
whole number stays whole (and moves by at least one). A table moves only when its
``sensitivity.fields`` names the numbers to scale. Years, codes, identifiers (seeds) and
parameters with ``sensitivity.vary: false`` stay fixed. A changed value that the
parameter schema rejects (a share above one) is reported, not run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from analysis.params import Methodology, Quantity
from analysis.present.formatting import auto

Side = Literal["low", "high"]
SIDES: tuple[Side, Side] = ("low", "high")


@dataclass(frozen=True)
class Variation:
    parameter: str  # section.key
    side: Side
    value: Any  # the changed value (JSON), or None when it could not be made
    methodology_json: str | None  # the whole changed methodology; None if invalid
    problem: str = ""  # why the variation is not run
    shown: str = ""  # the changed value as the pack writes it (a table: its factor)


def _quantity(m: Methodology, parameter: str) -> Quantity:
    section, key = parameter.split(".")
    return getattr(getattr(m, section), key)


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _moved(value: float, factor: float) -> float:
    """``value`` × ``factor``; a whole number stays whole and moves by at least one."""
    new = value * factor
    if not isinstance(value, int):
        return round(new, 10)  # 1.5 × 0.8 is 1.2, not 1.2000000000000002
    step = round(new)
    if step == value:  # a small whole number
        step = value + (1 if factor > 1 else -1)
    return int(step)


def _scale_fields(value: Any, fields: list[str], factor: float) -> Any:
    """A table with the named numeric fields of every item multiplied by ``factor``."""
    if isinstance(value, dict) and all(_is_number(v) or isinstance(v, str) for v in value.values()):
        # A flat mapping (variants, a rule's settings): scale the named keys.
        return {
            k: _moved(v, factor) if _is_number(v) and (fields == ["*"] or k in fields) else v
            for k, v in value.items()
        }
    items = value.items() if isinstance(value, dict) else enumerate(value)
    out: Any = {} if isinstance(value, dict) else [None] * len(value)
    for k, item in items:
        new = dict(item)
        for f in fields:
            if _is_number(new.get(f)):
                new[f] = _moved(new[f], factor)
        out[k] = new
    return out


def _factor(side: Side, change: float) -> float:
    return 1 - change if side == "low" else 1 + change


def _json_value(q: Quantity) -> Any:
    return json.loads(q.model_dump_json())["value"]


def varied_value(q: Quantity, side: Side, change: float) -> Any:
    """The parameter's low or high value (JSON), or None when it is not varied."""
    s = q.sensitivity
    if q.kind != "quantity" or (s is not None and not s.vary):
        return None
    value = _json_value(q)
    if _is_number(value):
        explicit = None if s is None else (s.low if side == "low" else s.high)
        return explicit if explicit is not None else _moved(value, _factor(side, change))
    if s is not None and s.fields:
        return _scale_fields(value, s.fields, _factor(side, change))
    return None


def variations(m: Methodology, parameters: list[str] | None = None) -> list[Variation]:
    """Every low and high variation of the (given) parameters that is varied."""
    change = m.review.sensitivity_change.value
    doc = json.loads(m.model_dump_json())
    names = parameters or [f"{s}.{k}" for s, model in m for k, _ in model]
    out = []
    for parameter in names:
        q = _quantity(m, parameter)
        for side in SIDES:
            value = varied_value(q, side, change)
            if value is None:
                continue
            if value == _json_value(q):
                continue  # e.g. ±20 % of zero: nothing to try
            section, key = parameter.split(".")
            fields = ", ".join((q.sensitivity.fields or []) if q.sensitivity else [])
            shown = (
                auto(value) if _is_number(value) else f"{fields} × {auto(_factor(side, change))}"
            )
            changed = json.loads(json.dumps(doc))
            changed[section][key]["value"] = value
            try:
                valid = Methodology.model_validate(changed)
            except ValidationError as exc:
                msg = exc.errors()[0]["msg"]
                problem = f"mimo povolený rozsah ({msg})"
                out.append(Variation(parameter, side, value, None, problem, shown))
                continue
            out.append(Variation(parameter, side, value, valid.model_dump_json(), shown=shown))
    return out
