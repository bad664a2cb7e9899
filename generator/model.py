"""The one model of the site: records as typed values, each knowing where it came from.

Templates, search and exports read these objects; nothing downstream reads YAML again.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, overload

from .source import SourceMap

STAGES = ("analyse", "plan", "do", "review")
# The status a decision withheld as a whole is published with: its outcome is withheld too.
WITHHELD_STATUS = "withheld"
# Outcomes of decisions that are not about awarding money, whatever was decided: a report
# noted, support for another body's decision, and a decision withheld as a whole.
NOT_AWARDING = ("noted", "endorsed", WITHHELD_STATUS)

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(reference: str) -> str:
    """decision-2024-25-0008 for 'Decision 2024/25 – 0008': the file and page name of a
    reference."""
    ascii_text = unicodedata.normalize("NFKD", reference).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def record_file_name(reference: str) -> str:
    """The file of a record: WYPCC-2020-014.yaml as written where the reference is its own slug
    but for case, else the slug (decision-2024-25-0008.yaml)."""
    slug = slugify(reference)
    return f"{reference if reference.lower() == slug else slug}.yaml"


@dataclass(frozen=True)
class Recipient:
    name: str
    org_id: str | None = None
    amount: Decimal | None = None
    # A line standing for this many organisations not named one by one.
    count: int | None = None


@dataclass(frozen=True)
class Part:
    """One part of the money: an amount charged to one financial year and funding stream."""

    amount: Decimal
    financial_year: str | None = None
    funding_stream: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Financial:
    amount: Decimal | None = None
    currency: str = "GBP"
    funding_stream: str | None = None
    financial_year: str | None = None
    # None where the record does not say: exact and spend.
    amount_basis: str | None = None
    vat: str | None = None
    direction: str | None = None
    breakdown: tuple[Part, ...] = ()

    @property
    def total(self) -> Decimal | None:
        if self.amount is not None:
            return self.amount
        return sum((p.amount for p in self.breakdown), Decimal(0)) if self.breakdown else None


@dataclass(frozen=True)
class Period:
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class Signatory:
    name: str
    role: str | None = None


@dataclass(frozen=True)
class ElsewhereDecision:
    """A related decision in another register: not checked, linked by its url."""

    reference: str
    url: str
    title: str | None = None


@dataclass(frozen=True)
class Withholding:
    reason: str


@dataclass(frozen=True)
class Procurement:
    stage: str | None = None  # None where the record does not say: an award
    route: str | None = None
    portal: str | None = None
    bids_received: int | None = None
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    options: str | None = None


@dataclass(frozen=True)
class Document:
    title: str
    file: str | None = None
    url: str | None = None
    # Known only for files: set by the loader from the file itself.
    size: int | None = None

    @property
    def file_type(self) -> str:
        name = self.file or self.url or ""
        suffix = Path(name.split("?", 1)[0]).suffix.lstrip(".").upper()
        return suffix or ("Web page" if self.url else "File")


@dataclass(frozen=True)
class ExemptPart:
    title: str
    reason: str
    # Kept for staff; never published. Everything that renders or exports skips it.
    content: str | None = field(default=None, repr=False)
    release_on: dt.date | None = None
    review_on: dt.date | None = None

    def is_released(self, today: dt.date) -> bool:
        return self.release_on is not None and self.release_on <= today


@dataclass
class Decision:
    reference: str
    title: str
    date: dt.date
    decision_maker: str
    status: str
    summary: str
    published: dt.date
    other_references: list[str] = field(default_factory=list)
    signed_by: Signatory | None = None
    delegation: str | None = None
    joint_with: list[str] = field(default_factory=list)
    category: str | None = None
    decision: str | None = None
    background: str | None = None
    lead_officer: str | None = None
    signed: dt.date | None = None
    options_considered: str | None = None
    interests_declared: str | None = None
    significant_public_interest: bool = True
    implications: dict[str, str] = field(default_factory=dict)
    financial: Financial | None = None
    recipients: list[Recipient] = field(default_factory=list)
    period: Period | None = None
    procurement: Procurement | None = None
    documents: list[Document] = field(default_factory=list)
    # References in this register, and decisions published elsewhere.
    related: list[str | ElsewhereDecision] = field(default_factory=list)
    supersedes: str | None = None
    amends: str | None = None
    tags: list[str] = field(default_factory=list)
    exempt: list[ExemptPart] = field(default_factory=list)
    withheld: Withholding | None = None
    source: Path = field(default=Path(), repr=False, compare=False)
    source_map: SourceMap = field(default_factory=SourceMap, repr=False, compare=False)

    @property
    def year(self) -> int:
        return self.date.year

    # Asked for on every page and register row that links to the decision: made once.
    @cached_property
    def slug(self) -> str:
        return slugify(self.reference)

    @cached_property
    def url(self) -> str:
        """Path of the decision page, relative to the site root."""
        return f"decisions/{self.year}/{self.slug}/"

    @property
    def amount(self) -> Decimal | None:
        """The decision's total: financial.amount, else the sum of its breakdown, else of its
        recipients' amounts where every recipient has one."""
        total = self.financial.total if self.financial else None
        if total is None and self.recipients:
            amounts = [r.amount for r in self.recipients if r.amount is not None]
            if len(amounts) == len(self.recipients):
                return sum(amounts, Decimal(0))
        return total

    @property
    def parts(self) -> tuple[Part, ...]:
        """The money by year and stream: the breakdown, or the whole amount as its one part."""
        if not self.financial:
            return ()
        if self.financial.breakdown:
            return self.financial.breakdown
        total = self.amount
        return (
            (Part(total, self.financial.financial_year, self.financial.funding_stream),)
            if total is not None
            else ()
        )

    @property
    def currency(self) -> str:
        return self.financial.currency if self.financial else "GBP"

    @property
    def amount_basis(self) -> str:
        return (self.financial.amount_basis if self.financial else None) or "exact"

    @property
    def is_income(self) -> bool:
        return self.financial is not None and self.financial.direction == "income"

    @property
    def about_awarding(self) -> bool:
        """Whether the decision is one to award (or not award) money: registers, 360Giving and
        OCDS leave out reports noted, decisions endorsed and decisions withheld as a whole."""
        return self.status not in NOT_AWARDING

    @property
    def related_here(self) -> list[str]:
        return [r for r in self.related if isinstance(r, str)]

    @property
    def related_elsewhere(self) -> list[ElsewhereDecision]:
        return [r for r in self.related if isinstance(r, ElsewhereDecision)]

    @property
    def is_grant(self) -> bool:
        if self.is_income or not self.about_awarding:
            return False
        return self.category == "grants" or (
            self.procurement is not None and self.procurement.route == "grant-round"
        )

    @property
    def is_contract(self) -> bool:
        """Bought goods or services: an award, extension or variation, not an intention to go to
        market."""
        return (
            self.is_procurement
            and self.procurement is not None
            and self.procurement.stage != "intention"
        )

    @property
    def is_procurement(self) -> bool:
        return (
            not self.is_income
            and self.about_awarding
            and self.procurement is not None
            and self.procurement.route not in (None, "grant-round")
        )

    @property
    def days_to_publication(self) -> int:
        return (self.published - self.date).days

    def is_embargoed(self, today: dt.date) -> bool:
        return self.published > today


@dataclass(frozen=True)
class FundingRow:
    id: str
    name: str
    values: tuple[Decimal | None, ...]


@dataclass
class FundingTable:
    slug: str
    title: str
    unit: str
    columns: tuple[str, ...]
    rows: list[FundingRow]
    description: str | None = None
    source: Path = field(default=Path(), repr=False, compare=False)
    source_map: SourceMap = field(default_factory=SourceMap, repr=False, compare=False)

    @property
    def url(self) -> str:
        return f"funding/{self.slug}/"

    def totals(self) -> tuple[Decimal | None, ...]:
        """Column totals; unknown where any value in the column is unknown."""
        result = []
        for i in range(len(self.columns)):
            column = [row.values[i] for row in self.rows]
            known = [v for v in column if v is not None]
            result.append(None if len(known) < len(column) else sum(known, Decimal(0)))
        return tuple(result)


@dataclass
class ToolkitDocument:
    src_uri: str  # path under the docs dir, as MkDocs knows it
    title: str
    body: str
    stage: str | None = None
    audience: str = "public"
    owner: str | None = None
    reviewed: dt.date | None = None
    review_due: dt.date | None = None
    attachments: list[str] = field(default_factory=list)
    description: str | None = None
    # Passages an internal document shares with published ones, declared by staff and checked.
    shared_text: list[str] = field(default_factory=list)
    source: Path = field(default=Path(), repr=False, compare=False)
    source_map: SourceMap = field(default_factory=SourceMap, repr=False, compare=False)

    @property
    def is_internal(self) -> bool:
        return self.audience == "internal"

    @property
    def attachment_uris(self) -> list[str]:
        folder = self.src_uri.rsplit("/", 1)[0] + "/" if "/" in self.src_uri else ""
        return [folder + name for name in self.attachments]

    def review_overdue(self, today: dt.date) -> bool:
        return self.review_due is not None and self.review_due < today


@overload
def as_date(value: None) -> None: ...
@overload
def as_date(value: str | dt.date) -> dt.date: ...
def as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@overload
def as_money(value: None) -> None: ...
@overload
def as_money(value: str | int | float | Decimal) -> Decimal: ...
def as_money(value: Any) -> Decimal | None:
    # Through str() so 174304.93 stays 174304.93, not its binary neighbour.
    return None if value is None else Decimal(str(value))


# What a record with errors has in a required field it lacks. Such a record is only checked,
# never published, so a Decision keeps the types of a valid record's fields.
_MISSING: Any = None


def decision_from_data(data: dict[str, Any], source: Path, source_map: SourceMap) -> Decision:
    """Build a Decision from schema-valid data, or from the sound fields of a record with errors
    (whose missing fields stay None: such a record is only checked, never published)."""
    fin = data.get("financial")
    proc = data.get("procurement")
    period = data.get("period")
    signed_by = data.get("signed_by")
    return Decision(
        reference=data.get("reference", _MISSING),
        title=data.get("title", _MISSING),
        date=as_date(data.get("date", _MISSING)),
        decision_maker=data.get("decision_maker", _MISSING),
        status=data.get("status", _MISSING),
        summary=data.get("summary", _MISSING),
        published=as_date(data.get("published")) or as_date(data.get("date", _MISSING)),
        other_references=list(data.get("other_references") or []),
        signed_by=Signatory(signed_by["name"], signed_by.get("role")) if signed_by else None,
        delegation=data.get("delegation"),
        joint_with=list(data.get("joint_with") or []),
        category=data.get("category"),
        decision=data.get("decision"),
        background=data.get("background"),
        lead_officer=data.get("lead_officer"),
        signed=as_date(data.get("signed")),
        options_considered=data.get("options_considered"),
        interests_declared=data.get("interests_declared"),
        significant_public_interest=data.get("significant_public_interest", True),
        implications=dict(data.get("implications") or {}),
        financial=Financial(
            amount=as_money(fin.get("amount")),
            currency=fin.get("currency", "GBP"),
            funding_stream=fin.get("funding_stream"),
            financial_year=fin.get("financial_year"),
            amount_basis=fin.get("amount_basis"),
            vat=fin.get("vat"),
            direction=fin.get("direction"),
            breakdown=tuple(
                Part(
                    as_money(p["amount"]),
                    p.get("financial_year"),
                    p.get("funding_stream"),
                    p.get("description"),
                )
                for p in fin.get("breakdown") or []
            ),
        )
        if fin
        else None,
        recipients=[
            Recipient(r["name"], r.get("org_id"), as_money(r.get("amount")), r.get("count"))
            for r in data.get("recipients") or []
        ],
        period=Period(as_date(period.get("start")), as_date(period.get("end"))) if period else None,
        procurement=Procurement(
            stage=proc.get("stage"),
            route=proc.get("route"),
            portal=proc.get("portal"),
            bids_received=proc.get("bids_received"),
            contract_start=as_date(proc.get("contract_start")),
            contract_end=as_date(proc.get("contract_end")),
            options=proc.get("options"),
        )
        if proc
        else None,
        documents=[
            Document(d["title"], d.get("file"), d.get("url")) for d in data.get("documents") or []
        ],
        related=[
            r if isinstance(r, str) else ElsewhereDecision(r["reference"], r["url"], r.get("title"))
            for r in data.get("related") or []
        ],
        supersedes=data.get("supersedes"),
        amends=data.get("amends"),
        tags=list(data.get("tags") or []),
        exempt=[
            ExemptPart(
                e["title"],
                e["reason"],
                e.get("content"),
                as_date(e.get("release_on")),
                as_date(e.get("review_on")),
            )
            for e in data.get("exempt") or []
        ],
        withheld=Withholding(data["withheld"]["reason"]) if data.get("withheld") else None,
        source=source,
        source_map=source_map,
    )


def funding_table_from_data(
    data: dict[str, Any], source: Path, source_map: SourceMap
) -> FundingTable:
    return FundingTable(
        slug=source.stem,
        title=data["title"],
        unit=data["unit"],
        columns=tuple(data["columns"]),
        rows=[
            FundingRow(r["id"], r["name"], tuple(as_money(v) for v in r["values"]))
            for r in data["rows"]
        ],
        description=data.get("description"),
        source=source,
        source_map=source_map,
    )


# Where an item of the Specified Information Order is met: each item names exactly one.
WHERE_MET = ("page", "url", "status", "derived")


@dataclass(frozen=True)
class SpecifiedItem:
    """One item of the Specified Information Order and where the office meets it."""

    text: str
    position: tuple[str | int, ...]  # field path of the item in its file, for diagnostics
    provision: str | None = None
    page: str | None = None
    url: str | None = None
    status: str | None = None
    derived: str | None = None  # decisions, contracts or grants: met by this site's own registers
    title: str | None = None  # link text, where the default would not say enough
    note: str | None = None

    @property
    def published(self) -> bool:
        return self.status != "not-yet-published"


@dataclass(frozen=True)
class SpecifiedGroup:
    title: str
    items: tuple[SpecifiedItem, ...]
    provision: str | None = None


@dataclass
class SpecifiedInformation:
    """Staff's map of the Order's items to where each is published, as the Order groups them."""

    groups: list[SpecifiedGroup]
    introduction: str | None = None
    source: Path = field(default=Path(), repr=False, compare=False)
    source_map: SourceMap = field(default_factory=SourceMap, repr=False, compare=False)

    @property
    def items(self) -> list[SpecifiedItem]:
        return [item for group in self.groups for item in group.items]


def specified_information_from_data(
    data: dict[str, Any], source: Path, source_map: SourceMap
) -> SpecifiedInformation:
    return SpecifiedInformation(
        groups=[
            SpecifiedGroup(
                title=g["title"],
                provision=g.get("provision"),
                items=tuple(
                    SpecifiedItem(
                        text=item["item"],
                        position=("groups", i, "items", j),
                        provision=item.get("provision"),
                        page=item.get("page"),
                        url=item.get("url"),
                        status=item.get("status"),
                        derived=item.get("derived"),
                        title=item.get("title"),
                        note=item.get("note"),
                    )
                    for j, item in enumerate(g["items"])
                ),
            )
            for i, g in enumerate(data["groups"])
        ],
        introduction=data.get("introduction"),
        source=source,
        source_map=source_map,
    )
