"""The five-colour pregnancy risk catalogue and the grading rule.

Source: 国卫办妇幼发〔2017〕35号《孕产妇妊娠风险评估与管理工作规范》, 附件1 (筛查表) and
附件2 (评估表), as transcribed in docs/domain.md §1.2–1.4 and §1.9. Pure Python: no models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_VERSION = "cn-2017"

#: English names of the 评估表's categories and the 筛查表's sections (the catalogue names them in Chinese and
#: by key); an entry's own ``category_en`` / ``section_en`` wins, a key not listed shows the Chinese name.
CATEGORY_EN = {
    "overview": "Overall condition",
    "basic": "Basic condition",
    "comorbidity": "Comorbidities in pregnancy",
    "complication": "Complications of pregnancy",
    "infectious": "Infectious diseases in pregnancy",
}
SECTION_EN = {
    "1": "Basic condition",
    "2": "History of abnormal pregnancy and delivery",
    "3": "Gynaecological diseases and operations",
    "4": "Family history",
    "5": "Past diseases and operations",
    "6": "Ancillary tests",
    "7": "Signs and history needing attention",
}


def in_english() -> bool:
    """Whether the active language is English: then factors show ``text_en``; Chinese is the default."""
    return (get_language() or "").startswith("en")


def localised(zh: str, en: str) -> str:
    return en if en and in_english() else zh


class Colour(Enum):
    """The five colours of 35号 (domain.md §1.2).

    Green < yellow < orange < red is the severity order; purple (传染病) stands apart: it marks an
    infectious disease and co-exists with one of the other four, so it cannot be compared.
    """

    GREEN = "green"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"
    PURPLE = "purple"

    @property
    def severity(self) -> int:
        """0 (green) to 3 (red); purple has no place in the order."""
        if self is Colour.PURPLE:
            raise TypeError("purple (infectious disease) co-exists with another colour and has no severity")
        return SEVERITY_ORDER.index(self)

    def _severity_against(self, other: object) -> tuple[int, int]:
        if not isinstance(other, Colour):
            raise TypeError(f"cannot compare a colour with {type(other).__name__}")
        return self.severity, other.severity

    def __lt__(self, other: object) -> bool:
        mine, theirs = self._severity_against(other)
        return mine < theirs

    def __le__(self, other: object) -> bool:
        mine, theirs = self._severity_against(other)
        return mine <= theirs

    def __gt__(self, other: object) -> bool:
        mine, theirs = self._severity_against(other)
        return mine > theirs

    def __ge__(self, other: object) -> bool:
        mine, theirs = self._severity_against(other)
        return mine >= theirs


SEVERITY_ORDER: tuple[Colour, ...] = (Colour.GREEN, Colour.YELLOW, Colour.ORANGE, Colour.RED)


class Status(Enum):
    """How sure domain.md is of an item: [C], [P] or [U]."""

    CONFIRMED = "confirmed"
    PARTLY_CONFIRMED = "partly_confirmed"
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class RiskFactor:
    """One row of the 评估表 (附件2). ``item`` is the number domain.md gives, or None when it gives none.

    The code is stable across overrides: a province that recolours a factor keeps its code, so
    the colour field, not the code prefix, is authoritative.
    """

    code: str
    colour: Colour
    item: str | None
    category: str
    category_zh: str
    text_zh: str
    text_en: str
    status: Status
    source: str
    note: str = ""
    category_en: str = ""

    @property
    def name(self) -> str:
        """The factor's wording in the active language (English when active and given, else Chinese)."""
        return localised(self.text_zh, self.text_en)

    @property
    def category_name(self) -> str:
        return localised(self.category_zh or self.category, self.category_en)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskFactor:
        code = data.get("code")
        if not isinstance(code, str) or not code:
            raise ValueError(f"a risk factor needs a non-empty string code, got {code!r}")
        try:
            colour = Colour(data["colour"])
            status = Status(data.get("status", Status.CONFIRMED.value))
            return cls(
                code=code,
                colour=colour,
                item=data.get("item"),
                category=data["category"],
                category_zh=data.get("category_zh", ""),
                text_zh=data["text_zh"],
                text_en=data.get("text_en", ""),
                status=status,
                source=data.get("source", ""),
                note=data.get("note", ""),
                category_en=data.get("category_en") or CATEGORY_EN.get(data["category"], ""),
            )
        except KeyError as missing:
            raise ValueError(f"risk factor {code!r} lacks the field {missing}") from None
        except ValueError as bad:
            raise ValueError(f"risk factor {code!r}: {bad}") from None


@dataclass(frozen=True)
class ScreeningItem:
    """A positive item of the 筛查表 (附件1, domain.md §1.3): it makes the screen positive, it has no colour."""

    code: str
    section: str
    section_zh: str
    text_zh: str
    text_en: str
    status: Status
    source: str
    is_marked_with_asterisk: bool = False
    note: str = ""
    section_en: str = ""

    @property
    def name(self) -> str:
        """The item's wording in the active language (English when active and given, else Chinese)."""
        return localised(self.text_zh, self.text_en)

    @property
    def section_name(self) -> str:
        return localised(self.section_zh, self.section_en)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScreeningItem:
        try:
            return cls(
                code=data["code"],
                section=data["section"],
                section_zh=data.get("section_zh", ""),
                text_zh=data["text_zh"],
                text_en=data.get("text_en", ""),
                status=Status(data.get("status", Status.CONFIRMED.value)),
                source=data.get("source", ""),
                is_marked_with_asterisk=bool(data.get("is_marked_with_asterisk", False)),
                note=data.get("note", ""),
                section_en=data.get("section_en") or SECTION_EN.get(str(data["section"]), ""),
            )
        except KeyError as missing:
            raise ValueError(f"screening item {data.get('code')!r} lacks the field {missing}") from None


@dataclass(frozen=True)
class RiskCatalogue:
    """A versioned factor catalogue: the national 2017 table, or a province's table merged over it (§1.9)."""

    version: str
    region: str
    source: str
    valid_from: date
    factors: tuple[RiskFactor, ...]
    screening_items: tuple[ScreeningItem, ...] = ()
    _by_code: dict[str, RiskFactor] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_code: dict[str, RiskFactor] = {}
        for factor in self.factors:
            if factor.code in by_code:
                raise ValueError(f"catalogue {self.version!r} lists the factor code {factor.code!r} twice")
            by_code[factor.code] = factor
        screening_codes = [item.code for item in self.screening_items]
        duplicated = sorted(
            {code for code in screening_codes if screening_codes.count(code) > 1}
            | (set(screening_codes) & set(by_code))
        )
        if duplicated:
            raise ValueError(f"catalogue {self.version!r} repeats the codes {', '.join(duplicated)}")
        object.__setattr__(self, "_by_code", by_code)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskCatalogue:
        try:
            return cls(
                version=data["version"],
                region=data["region"],
                source=data["source"],
                valid_from=date.fromisoformat(data["valid_from"]),
                factors=tuple(RiskFactor.from_dict(factor) for factor in data["factors"]),
                screening_items=tuple(ScreeningItem.from_dict(item) for item in data.get("screening_items", ())),
            )
        except KeyError as missing:
            raise ValueError(f"the catalogue lacks the field {missing}") from None

    @classmethod
    def load(cls, version: str = NATIONAL_VERSION) -> RiskCatalogue:
        """The catalogue shipped as ``data/risk_catalogue_<version>.json`` (``cn-2017`` → ``cn_2017``)."""
        return _load_shipped(version)

    def factor(self, code: str) -> RiskFactor:
        try:
            return self._by_code[code]
        except KeyError:
            raise ValueError(f"unknown risk factor code {code!r} in catalogue {self.version!r}") from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def wording(self, code: str) -> str:
        """The wording of a factor or a screening item in the active language: Chinese as the 评估表 prints it,
        or the English text when English is active (the code if unknown)."""
        if code in self._by_code:
            return self._by_code[code].name
        return next((item.name for item in self.screening_items if item.code == code), code)

    def factors_of(self, colour: Colour) -> tuple[RiskFactor, ...]:
        return tuple(factor for factor in self.factors if factor.colour is colour)

    def with_override(self, override: Mapping[str, Any]) -> RiskCatalogue:
        """This catalogue with a province's changes merged over it (domain.md §1.9).

        ``override`` holds ``version`` and ``region`` (required), and optionally ``base_version``
        (must equal this catalogue's version), ``source``, ``valid_from``, ``remove`` (codes),
        ``recolour`` ({code: colour}) and ``add`` (factor dicts). Removals apply first, then
        recolourings, then additions; every code named must exist, and no added code may.
        """
        base_version = override.get("base_version", self.version)
        if base_version != self.version:
            raise ValueError(f"the override is for catalogue {base_version!r}, not {self.version!r}")
        try:
            version, region = override["version"], override["region"]
        except KeyError as missing:
            raise ValueError(f"the override lacks the field {missing}") from None
        factors = {factor.code: factor for factor in self.factors}
        for code in override.get("remove", ()):
            if code not in factors:
                raise ValueError(f"the override removes the unknown factor code {code!r}")
            del factors[code]
        for code, colour in override.get("recolour", {}).items():
            if code not in factors:
                raise ValueError(f"the override recolours the unknown factor code {code!r}")
            try:
                factors[code] = replace(factors[code], colour=Colour(colour))
            except ValueError:
                raise ValueError(f"the override recolours {code!r} to the unknown colour {colour!r}") from None
        for data in override.get("add", ()):
            factor = RiskFactor.from_dict(data)
            if factor.code in factors:
                raise ValueError(f"the override adds the factor code {factor.code!r}, which already exists")
            factors[factor.code] = factor
        valid_from = override.get("valid_from")
        return RiskCatalogue(
            version=version,
            region=region,
            source=override.get("source", self.source),
            valid_from=date.fromisoformat(valid_from) if valid_from else self.valid_from,
            factors=tuple(factors.values()),
            screening_items=self.screening_items,
        )


@lru_cache(maxsize=8)
def _load_shipped(version: str) -> RiskCatalogue:
    path = DATA_DIR / f"risk_catalogue_{version.replace('-', '_')}.json"
    if not path.is_file():
        shipped = sorted(
            p.stem.removeprefix("risk_catalogue_").replace("_", "-") for p in DATA_DIR.glob("risk_catalogue_*.json")
        )
        raise ValueError(f"no risk catalogue {version!r} is shipped; available: {', '.join(shipped)}")
    catalogue = RiskCatalogue.from_dict(json.loads(path.read_text(encoding="utf-8")))
    if catalogue.version != version:
        raise ValueError(f"{path.name} holds catalogue {catalogue.version!r}, not {version!r}")
    return catalogue


@dataclass(frozen=True)
class Grading:
    """The result of grading: one colour of green–red, a purple flag, and the factors that led to it."""

    colour: Colour
    purple: bool
    factors_by_colour: dict[Colour, tuple[RiskFactor, ...]]


def grade(catalogue: RiskCatalogue, factor_codes: Iterable[str]) -> Grading:
    """Grade a woman from the factors found (国卫办妇幼发〔2017〕35号 附件2 footnote; domain.md §1.2).

    Highest colour wins among green, yellow, orange and red; no factor is green. Purple
    (传染病) co-exists with that colour as a flag, so purple alone is green with the flag.
    Unknown codes raise ValueError. Repeated codes count once.
    """
    codes = list(dict.fromkeys(factor_codes))
    unknown = [code for code in codes if code not in catalogue]
    if unknown:
        raise ValueError(
            f"unknown risk factor codes in catalogue {catalogue.version!r}: {', '.join(map(repr, unknown))}"
        )
    found = [catalogue.factor(code) for code in codes]
    factors_by_colour = {colour: tuple(f for f in found if f.colour is colour) for colour in Colour}
    colour = max((c for c in SEVERITY_ORDER if factors_by_colour[c]), default=Colour.GREEN)
    return Grading(colour=colour, purple=bool(factors_by_colour[Colour.PURPLE]), factors_by_colour=factors_by_colour)
