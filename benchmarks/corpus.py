"""A synthetic but realistic site for the benchmarks: `write_corpus(root, n, seed)`.

It writes a complete site at root, as an office would keep it in git:
- mkdocs.yml with the structure of the repository's own (theme, Markdown extensions, the same
  nav), the transparency plugin with a fictional office's options, and a fixed build date so
  no record is embargoed whatever SOURCE_DATE_EPOCH says;
- the hand-written pages the nav lists (the plugin generates the others: decisions, funding,
  toolkit, registers, open data), and the office's Specified Information map when the
  repository has one;
- two funding tables: a dozen streams over three financial years, and the COVID-19 emergency
  funding;
- n decision records dated 2016 to 2025, of every category, with amounts, recipients,
  procurement, documents (some files under decisions/files/), related and superseded decisions,
  tags and withheld parts, and text as long as a real decision notice: a few paragraphs each of
  summary, decision and background, options considered and implications;
- the four commissioning-cycle toolkit documents and one internal one.

The same (n, seed) always writes the same bytes. Every record validates.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

REPO = Path(__file__).resolve().parent.parent

PREFIX = "EXPCC"
FIRST_YEAR, LAST_YEAR = 2016, 2025
BUILD_DATE = "2026-03-31"  # after every publication date: nothing is embargoed
CATEGORIES = ["commissioning", "grants", "contracts", "finance", "governance", "estates", "policy"]
CATEGORY_WEIGHTS = [22, 30, 22, 8, 8, 5, 5]

PLACES = [
    "Northbridge",
    "Aldermoor",
    "Kingsford",
    "Ravensdale",
    "Thornbury",
    "Ashcombe",
    "Wetherton",
    "Fellgate",
]
PROVIDER_FIELDS = [
    "Women’s Aid",
    "Victim Support",
    "Youth Trust",
    "Recovery",
    "Community Safety",
    "Advocacy",
    "Mediation",
    "Wellbeing",
]
GROUPS = ["Internal Commissioning Group", "Joint Audit Committee", "Ethics Panel"]
POLICIES = [
    "gifts and hospitality",
    "complaints reviews",
    "publication of information",
    "data protection",
]
PROVIDER_KINDS = [
    "CIC",
    "Trust",
    "Partnership",
    "Charity",
    "Foundation",
    "Project",
    "Network",
    "Alliance",
]
COMPANIES = [
    "Restorative Solutions CIC",
    "Safer Futures Ltd",
    "Northern Custody Health LLP",
    "Fleetline Services Ltd",
    "Civic Estates Partnership Ltd",
    "Brightpath Youth Services Ltd",
    "Keystone Analytics Ltd",
    "Harbour Recovery Services",
    "Lumen CCTV Systems Ltd",
    "Meridian Counselling Ltd",
]
OFFICERS = [
    "Head of Commissioning",
    "Chief Finance Officer",
    "Chief Executive",
    "Head of Policy and Partnerships",
    "Commissioning Manager",
    "Head of Estates",
    "Victims Services Manager",
]
LEAD_OFFICERS = {
    "finance": ["Chief Finance Officer"],
    "estates": ["Head of Estates", "Chief Finance Officer"],
    "governance": ["Chief Executive", "Head of Policy and Partnerships"],
    "policy": ["Head of Policy and Partnerships", "Chief Executive"],
}
PORTALS = ["BlueLight", "Contracts Finder", "YORtender", "Find a Tender"]

SERVICES = [
    # phrase, tags, who is helped, what the service does
    (
        "domestic abuse support",
        ["domestic-abuse", "victims"],
        "victims of domestic abuse and their children",
        "offers safety planning, independent advocacy and refuge places",
    ),
    (
        "sexual violence support",
        ["sexual-violence", "victims"],
        "survivors of rape and sexual abuse",
        "provides independent sexual violence advisers and specialist counselling",
    ),
    (
        "victims' information and referral",
        ["victims", "referral"],
        "victims of crime of every kind",
        "contacts every victim reported to the police and refers them to the help they need",
    ),
    (
        "restorative justice",
        ["restorative-justice", "victims"],
        "victims who wish to meet or communicate with their offender",
        "prepares and facilitates restorative conferences and indirect communication",
    ),
    (
        "youth diversion",
        ["young-people", "early-intervention"],
        "young people at risk of entering the criminal justice system",
        "works with young people and their families through mentoring and positive activities",
    ),
    (
        "drug and alcohol treatment",
        ["substance-misuse", "reducing-reoffending"],
        "people whose offending is linked to drugs or alcohol",
        "provides assessment in custody, treatment and recovery support",
    ),
    (
        "mental health street triage",
        ["mental-health", "partnership"],
        "people in mental health crisis who come into contact with the police",
        "pairs mental health nurses with officers on evening and weekend shifts",
    ),
    (
        "modern slavery victim support",
        ["modern-slavery", "victims"],
        "people who have been trafficked or exploited",
        "offers safe accommodation, translation and help through the national referral mechanism",
    ),
    (
        "hate crime reporting",
        ["hate-crime", "communities"],
        "people targeted because of who they are",
        "runs third-party reporting centres and community awareness sessions",
    ),
    (
        "knife crime prevention",
        ["serious-violence", "young-people"],
        "young people affected by serious violence",
        "places youth workers in hospital emergency departments and schools",
    ),
    (
        "rural crime prevention",
        ["rural-crime", "communities"],
        "farming and rural communities",
        "funds rural watch schemes, property marking and crime prevention advice",
    ),
    (
        "cybercrime and fraud support",
        ["fraud", "cybercrime", "victims"],
        "older and vulnerable victims of fraud",
        "gives one-to-one support and practical advice on staying safe online",
    ),
    (
        "perpetrator programmes",
        ["domestic-abuse", "perpetrator-programme"],
        "perpetrators of domestic abuse who want to change",
        "delivers group and one-to-one behaviour change work alongside support for partners",
    ),
    (
        "custody healthcare",
        ["custody", "health"],
        "detainees in police custody",
        "provides nurses and forensic medical examiners in every custody suite",
    ),
]

STREAMS = [
    ("moj-victims-witnesses", "Victims and Witnesses funding via the Ministry of Justice (MoJ)"),
    ("community-safety-fund", "Community Safety Fund"),
    ("violence-reduction-unit", "Violence Reduction Unit grant"),
    ("safer-streets", "Safer Streets Fund"),
    ("domestic-abuse-duty", "Domestic abuse safe accommodation duty"),
    ("isva-idva-uplift", "ISVA and IDVA uplift"),
    ("youth-endowment", "Youth Endowment Fund partnership"),
    ("drug-strategy", "Drug strategy: combating drugs partnership"),
    ("proceeds-of-crime", "Proceeds of Crime Act fund"),
    ("police-property-act", "Police Property Act fund"),
    ("capital-programme", "Capital programme"),
    ("partnership-reserve", "Partnership and innovation reserve"),
]
STREAM_YEARS = ["2023/24", "2024/25", "2025/26"]
COVID_STREAMS = [
    ("covid-victims-services", "COVID-19 extraordinary funding: victims services"),
    ("covid-domestic-abuse", "COVID-19 extraordinary funding: domestic abuse services"),
    ("covid-sexual-violence", "COVID-19 extraordinary funding: sexual violence services"),
    ("covid-community-safety", "COVID-19 community safety grants"),
]
COVID_YEARS = ["2019/20", "2020/21", "2021/22"]


EVIDENCE = [
    "The Internal Commissioning Group considered the options, the cost model and the risks and "
    "recommended the "
    "approach set out in this decision.",
    "Market engagement was held with providers to test volumes, capacity and the best use of "
    "limited resources. "
    "Providers' views shaped the lots, the length of the contract and the outcomes in the "
    "specification.",
    "Performance information from the current service, feedback from people who used it and an "
    "independent "
    "evaluation informed the specification.",
    "Officers worked with the Chief Constable's team, the local authorities and health partners so "
    "that the "
    "service fits with what each of them already funds and people are not passed from one service "
    "to another.",
    "The service will be measured against outcomes rather than activity: whether people feel "
    "safer, are better able "
    "to cope and recover, and whether they would recommend the service to others.",
]
SERVICE_OPTIONS = [
    "Extend the current arrangements for a further year. This was rejected because it would not "
    "address the gaps "
    "found in the needs assessment and may not comply with procurement rules.",
    "Commission jointly with the local authorities. This remains the aim for the longer term, but "
    "partners' budgets "
    "were not confirmed in time.",
    "Deliver the service in-house. This was rejected because specialist providers bring expertise, "
    "volunteers and "
    "trust that the office could not replicate.",
]
OTHER_TEXT = {
    "finance": {
        "why": [
            "The Commissioner must set a balanced budget and a precept each year, after the Police "
            "and Crime Panel "
            "has reviewed the proposal.",
            "The Local Government Act 2003 requires the Commissioner to have regard to the "
            "Prudential Code and to "
            "set treasury management indicators each year.",
            "Reserves are held to manage risk and to fund one-off investment; the reserves "
            "strategy sets out how "
            "each reserve will be used over the medium term.",
        ],
        "background": [
            "The medium term financial plan assumes pay awards, inflation and the government's "
            "police "
            "funding settlement, and shows the savings still needed in each year.",
            "The Chief Constable was consulted on the operational budget and the Chief Finance "
            "Officer has "
            "reported on the robustness of the estimates and the adequacy of reserves.",
            "Public consultation on the precept ran for four weeks; most respondents supported a "
            "modest "
            "increase to protect neighbourhood policing.",
        ],
        "options": [
            "Approve the proposal as set out. This is recommended.",
            "Approve a lower figure. This was rejected because it would require reductions in "
            "frontline services.",
            "Defer the decision. This was rejected because statutory deadlines apply.",
        ],
    },
    "estates": {
        "why": [
            "The estates strategy aims to reduce the number of buildings the force uses, improve "
            "those it keeps "
            "and share sites with partners where that serves the public.",
            "The building no longer meets operational needs and would need significant investment "
            "to remain in use.",
        ],
        "background": [
            "An independent valuation was obtained and the proposal has been discussed with the "
            "local "
            "authority and ward members.",
            "Neighbourhood officers will continue to work from a shared base in the same area, so "
            "the public "
            "will see no reduction in service.",
            "The works will improve energy efficiency and accessibility, including step-free "
            "access and a "
            "private room for victims and witnesses.",
        ],
        "options": [
            "Proceed as proposed. This is recommended.",
            "Retain the building and invest in it. This was rejected on cost and suitability.",
            "Lease alternative premises. This was rejected because no suitable premises were "
            "available.",
        ],
    },
    "governance": {
        "why": [
            "Good governance requires the office to review its arrangements regularly so that "
            "decisions are made "
            "openly, by the right people and on the right evidence.",
            "The Joint Independent Audit Committee recommended that the document be updated to "
            "reflect changes in "
            "legislation and in the office's structure.",
        ],
        "background": [
            "The revised document clarifies who may take which decisions, how conflicts of "
            "interest are "
            "declared and how decisions are recorded and published.",
            "The Chief Constable's office was consulted, and the changes were reviewed by the "
            "Monitoring Officer.",
            "The office publishes its decisions, its registers of interests and of gifts and "
            "hospitality, as "
            "the Specified Information Order requires.",
        ],
        "options": [
            "Approve the revised document. This is recommended.",
            "Keep the current document. This was rejected because parts of it are out of date.",
        ],
    },
}
OTHER_TEXT["policy"] = {
    "why": [
        "The Police and Crime Plan sets the priorities this policy supports: keeping people safe, "
        "supporting "
        "victims and building confidence in policing.",
        "A new policy was needed to respond to national guidance and to what residents told the "
        "office in consultation.",
    ],
    "background": OTHER_TEXT["governance"]["background"]
    + [
        "The policy will be reviewed after one year, with a report to the Police and Crime Panel "
        "on how it has worked."
    ],
    "options": [
        "Adopt the policy. This is recommended.",
        "Adopt national guidance without local additions. This was rejected because it would not "
        "reflect local priorities.",
    ],
}


# --- mkdocs.yml and hand-written pages ------------------------------------------------------------


def _repo_config() -> dict[str, Any]:
    """The repository's mkdocs.yml as plain values (its tags, if any, read as nothing)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    return yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader) or {}


def _mkdocs_yml(config: dict[str, Any]) -> str:
    kept = {
        key: config[key]
        for key in (
            "use_directory_urls",
            "copyright",
            "theme",
            "extra",
            "markdown_extensions",
            "nav",
        )
        if key in config
    }
    theme = dict(kept.get("theme") or {"name": "material"})
    theme.pop("custom_dir", None)  # the repository's overrides folder is not part of the corpus
    theme["font"] = False
    kept["theme"] = theme
    head = (
        "# Synthetic site written by benchmarks/corpus.py: a fictional office, its decisions and "
        "funding.\n"
        "site_name: Commissioning decisions\n"
        "site_description: Decisions, funding and the commissioning toolkit of the Police and "
        "Crime Commissioner for Exampleshire.\n"
        "site_url: https://www.exampleshire-pcc.gov.uk/our-business/making-decisions/\n"
        "docs_dir: content\n"
        "site_dir: site\n"
    )
    plugins = (
        "plugins:\n"
        "  - transparency:\n"
        "      publisher:\n"
        "        name: Police and Crime Commissioner for Exampleshire\n"
        "        org_id: XE-EXAMPLE-EXPCC\n"
        "        url: https://www.exampleshire-pcc.gov.uk/\n"
        "        email: info@exampleshire-pcc.gov.uk\n"
        "        phone: 01632 960000\n"
        f"      reference_prefix: {PREFIX}\n"
        f"      categories: [{', '.join(CATEGORIES)}]\n"
        f'      build_date: "{BUILD_DATE}"\n'
        "      grants_prefix: 360G-example\n"
        "      ocid_prefix: ocds-example\n"
        "      contracts_threshold: 10000\n"
        "      publication_days: 28\n"
    )
    body = yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return head + plugins + body


def _nav_files(nav: Any) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [f for item in nav for f in _nav_files(item)]
    if isinstance(nav, dict):
        return [f for value in nav.values() for f in _nav_files(value)]
    return []


HAND_PAGES = {
    "index.md": (
        "# Commissioning decisions\n\n"
        "This site publishes the decisions of the Police and Crime Commissioner for Exampleshire,\n"
        "the money behind them and the toolkit the office uses to commission services.\n\n"
        "- [Decisions](decisions/index.md): every published decision, by year and by category.\n"
        "- [Funding](funding/index.md): the funding streams the Commissioner uses.\n"
        "- [Toolkit](toolkit/index.md): how the office plans, buys and reviews services.\n"
    ),
    "how-to-use.md": (
        "# How to use this site\n\n"
        "The [decisions register](decisions/index.md) lists every published decision. Browse it "
        "by\n"
        "year or by category, or search with the box at the top of every page.\n\n"
        "Each decision has a reference, such as EXPCC-2020-004. Quote it if you contact the "
        "office\n"
        "about a decision.\n"
    ),
    "accessibility.md": (
        "# Accessibility statement\n\n"
        "We want as many people as possible to be able to use this website. You should be able to\n"
        "change colours and fonts, zoom in up to 400% without the text spilling off the screen, "
        "and\n"
        "navigate the whole site using just a keyboard or a screen reader.\n\n"
        "If you find a problem, tell the office and we will reply within 10 working days.\n"
    ),
    "publishing.md": (
        "# How to publish a decision\n\n"
        'Staff create a record with `make new TITLE="..."`, fill it in, check it with\n'
        "`make validate`, and open a pull request. The site is built and published when the\n"
        "pull request is merged.\n"
    ),
}


def _specified(text: str) -> str:
    """The repository's Specified Information map, for the fictional office, with every item
    published."""
    text = text.replace("westyorkshire-pcc.gov.uk", "exampleshire-pcc.gov.uk")
    return re.sub(
        r"^( +)status: not-yet-published$",
        lambda m: (
            f"{m[1]}url: https://www.exampleshire-pcc.gov.uk/transparency/\n{m[1]}title: On the "
            "office's website"
        ),
        text,
        flags=re.M,
    )


def _hand_page(name: str) -> str:
    if name in HAND_PAGES:
        return HAND_PAGES[name]
    title = Path(name).stem.replace("-", " ").capitalize()
    return f"# {title}\n\nA page written by the office.\n"


# --- Text
# -------------------------------------------------------------------------------------------


def _money(amount: float) -> str:
    return f"£{amount:,.2f}".replace(".00", "")


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _block(text: str, indent: str = "  ") -> str:
    """A YAML literal block scalar holding Markdown."""
    return (
        "|\n"
        + "\n".join(indent + line if line else "" for line in text.strip("\n").split("\n"))
        + "\n"
    )


def _wrap(paragraph: str, width: int = 88) -> str:
    lines, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(lines + [line])


def _paragraphs(*paragraphs: str) -> str:
    return "\n\n".join(_wrap(p) for p in paragraphs if p)


class _Writer:
    """One record's text, drawn from a seeded random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def provider(self) -> str:
        place = self.pick(PLACES)
        field = self.pick(PROVIDER_FIELDS)
        return f"{place} {field} {self.pick(PROVIDER_KINDS)}"

    def org_id(self) -> str:
        if self.rng.random() < 0.6:
            return f"GB-CHC-{self.rng.randrange(1_000_000, 1_200_000)}"
        return f"GB-COH-{self.rng.randrange(1_000_000, 13_000_000):08d}"

    def need(self, service) -> str:
        phrase, _, who, _ = service
        return self.pick(
            [
                f"Demand for {phrase} has grown steadily. The number of {who} referred to services "
                "rose by "
                f"{self.rng.randrange(8, 45)}% over the last two years, and waiting times for a "
                "first appointment "
                f"now average {self.rng.randrange(2, 9)} weeks.",
                f"The Police and Crime Plan commits the Commissioner to put {who} first. A needs "
                "assessment "
                f"completed in {self.pick(['spring', 'summer', 'autumn', 'winter'])} found gaps in "
                f"{phrase} in "
                f"{self.pick(PLACES)} and {self.pick(PLACES)}, where provision had not kept pace "
                "with demand.",
                "Partners told the office, through the Community Safety Partnerships and the "
                "local criminal "
                f"justice board, that {who} could not always get help quickly enough, particularly "
                "outside office hours.",
            ]
        )

    def outcome(self, service) -> str:
        phrase, _, who, does = service
        return self.pick(
            [
                f"The service {does}. It is expected to support around "
                f"{self.rng.randrange(150, 4000):,} {who} each year.",
                "The provider will report quarterly on the outcomes agreed in the specification, "
                "including how many "
                f"{who} were supported and how many said they felt safer and better able to cope.",
                f"Funding {phrase} in this way keeps the service free at the point of use and open "
                f"to {who} whether or "
                f"not they have reported a crime to the police.",
            ]
        )

    def sample(self, seq, k: int) -> list:
        return self.rng.sample(seq, min(k, len(seq)))

    def options(self, bank: list[str]) -> str:
        chosen = [bank[0], *self.sample(bank[1:], self.rng.randrange(1, 3))]
        return _paragraphs(
            *(f"Option {i}: {text}" for i, text in enumerate(chosen, 1)),
            "The recommended option is the one set out in this decision.",
        )

    def meeting(self, day: dt.date) -> str:
        if self.rng.random() < 0.3:
            return ""
        body = self.pick(
            ["Internal Commissioning Group", "Executive Board", "Joint Independent Audit Committee"]
        )
        considered = day - dt.timedelta(days=self.rng.randrange(7, 60))
        return f"The {body} considered the proposal on {_long_date(considered)}."

    def implications(self, amount: float | None, stream: str | None) -> dict[str, str]:
        parts = {
            "financial": _wrap(
                f"The cost of {_money(amount)} will be met from the "
                f"{dict(STREAMS + COVID_STREAMS).get(stream, 'revenue budget')}. "
                "The Chief Finance Officer has confirmed that the funding is available within the "
                "approved budget."
                if amount
                else "There are no direct financial implications."
            ),
            "legal": _wrap(
                self.pick(
                    [
                        "The decision complies with the Public Contracts Regulations and the "
                        "office's contract standing orders.",
                        "Legal advice was taken on the grant agreement, which includes standard "
                        "conditions on monitoring and clawback.",
                        "The Commissioner has the power to make this decision under the Police "
                        "Reform and Social Responsibility Act 2011.",
                    ]
                )
            ),
            "equality": _wrap(
                self.pick(
                    [
                        "An Equality Impact Assessment was completed. The service is expected to "
                        "have a positive impact on "
                        "women and girls, disabled people and people from ethnic minority "
                        "communities.",
                        "No adverse impact on any group with a protected characteristic has been "
                        "identified.",
                    ]
                )
            ),
        }
        if self.rng.random() < 0.6:
            parts["risk"] = _wrap(
                self.pick(
                    [
                        "The main risk is that demand exceeds the capacity funded. This will be "
                        "managed through quarterly "
                        "contract monitoring and a break clause.",
                        "There is a risk that the provider cannot recruit staff in time. A "
                        "mobilisation plan with milestones "
                        "has been agreed.",
                    ]
                )
            )
        return parts


# --- Records
# ----------------------------------------------------------------------------------------


def _financial_year(day: dt.date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _dates(rng: random.Random, n: int) -> list[dt.date]:
    first, last = dt.date(FIRST_YEAR, 1, 4), dt.date(LAST_YEAR, 12, 19)
    span = (last - first).days
    days = sorted(first + dt.timedelta(days=rng.randrange(span + 1)) for _ in range(n))
    # Decisions are made on working days.
    return [d - dt.timedelta(days=max(0, d.weekday() - 4)) for d in days]


def _split(rng: random.Random, total: float, parts: int) -> list[float]:
    """Whole-pound shares adding up exactly to total (in pence)."""
    pence = round(total * 100)
    cuts = sorted(rng.randrange(1, pence) for _ in range(parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, pence]
    return [(b - a) / 100 for a, b in zip(bounds, bounds[1:])]


def _amount(rng: random.Random, low: int, high: int) -> float:
    value = rng.randrange(low, high)
    if rng.random() < 0.5:
        value = round(value, -3)
    return max(value, low) + (rng.randrange(100) / 100 if rng.random() < 0.3 else 0)


def _quote(text: str) -> str:
    """Plain when YAML reads it back as the same text (as staff write it), else double-quoted."""
    plain = not re.search(r":\s|\s#|^[-?:,\[\]{}#&*!|>'\"%@`]|^\s|\s$", text)
    if plain:
        try:
            plain = yaml.load(text, Loader=_Loader) == text
        except yaml.YAMLError:
            plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _decision(
    w: _Writer,
    reference: str,
    day: dt.date,
    category: str,
    earlier: list[tuple[str, str]],
    files: Path,
) -> tuple[str, tuple[str, str, float] | None]:
    """The text of one record, and what it charges to a funding stream (stream, year, amount)."""
    rng = w.rng
    service = w.pick(SERVICES)
    phrase, tags, who, does = service
    place = w.pick(PLACES)
    months = w.pick([12, 24, 36, 36, 48, 60])
    out: list[str] = []

    stream = None
    amount: float | None = None
    recipients: list[tuple[str, str | None, float | None]] = []
    procurement: dict[str, Any] | None = None
    status = w.pick(["approved"] * 17 + ["deferred", "rejected", "withdrawn"])

    if category == "grants":
        rounds = rng.randrange(1, 7)
        amount = _amount(rng, 2_000, 40_000) * rounds
        names = [w.provider() for _ in range(rounds)]
        shares = _split(rng, amount, rounds)
        recipients = [
            (name, w.org_id() if rng.random() < 0.8 else None, share)
            for name, share in zip(names, shares)
        ]
        title = w.pick(
            [
                f"{phrase.capitalize()} grants {day.year}",
                f"Community grants round: {phrase}",
                f"Grant to {names[0]} for {phrase}"
                if rounds == 1
                else f"{place} {phrase} grant round",
            ]
        )
        procurement = {"route": "grant-round"}
        stream = w.pick(
            [s for s, _ in STREAMS]
            + ([s for s, _ in COVID_STREAMS] * 3 if 2020 <= day.year <= 2021 else [])
        )
    elif category in ("contracts", "commissioning"):
        amount = _amount(rng, 25_000, 2_500_000)
        provider = w.pick(COMPANIES) if rng.random() < 0.4 else w.provider()
        recipients = [(provider, w.org_id() if rng.random() < 0.7 else None, None)]
        route = w.pick(
            ["open-tender", "open-tender", "restricted-tender", "framework", "direct-award"]
        )
        start = day + dt.timedelta(days=rng.randrange(20, 120))
        end = dt.date(start.year + months // 12, start.month, 1) - dt.timedelta(days=1)
        procurement = {
            "route": route,
            "portal": w.pick(PORTALS) if route != "direct-award" else None,
            "bids_received": rng.randrange(1, 9) if route != "direct-award" else 1,
            "contract_start": start,
            "contract_end": end,
        }
        title = w.pick(
            [
                f"Contract award: {phrase} ({place})",
                f"Recommissioning of {phrase}",
                f"{months // 12}-year contract for {phrase}",
                f"Award of the {phrase} contract to {provider}",
            ]
        )
        stream = w.pick([s for s, _ in STREAMS])
    elif category == "finance":
        amount = _amount(rng, 100_000, 25_000_000)
        title = w.pick(
            [
                f"Revenue budget and precept {day.year}/{(day.year + 1) % 100:02d}",
                f"Treasury management strategy {day.year}",
                "Use of reserves: partnership and innovation",
                f"Capital programme update {day.year}",
            ]
        )
        stream = w.pick(["capital-programme", "partnership-reserve", None])
    elif category == "estates":
        amount = _amount(rng, 50_000, 4_000_000)
        title = w.pick(
            [
                f"Disposal of the former {place} police station",
                f"Refurbishment of {place} custody suite",
                f"Lease of premises in {place} for neighbourhood policing",
            ]
        )
        stream = "capital-programme"
        if rng.random() < 0.5:
            recipients = [(w.pick(COMPANIES), w.org_id(), None)]
            procurement = {
                "route": "framework",
                "portal": w.pick(PORTALS),
                "bids_received": rng.randrange(1, 6),
            }
    else:  # governance, policy
        title = w.pick(
            [
                f"Terms of reference for the {w.pick(GROUPS)}",
                f"Policy on {w.pick(POLICIES)}",
                f"{phrase.capitalize()} strategy {day.year} to {day.year + 3}",
                "Scheme of consent and delegation",
            ]
        )

    signed = day + dt.timedelta(days=rng.choice([0, 0, 0, 1, 2, 5]))
    # Within the 28 days the site's publication_days allows.
    published = min(
        signed + dt.timedelta(days=rng.choice([3, 5, 7, 7, 10, 14, 21, 28])),
        day + dt.timedelta(days=28),
    )
    verb = {
        "approved": "approved",
        "rejected": "decided not to approve",
        "deferred": "deferred a decision on",
        "withdrawn": "withdrew the proposal for",
    }[status]
    first = title.split()[0]
    subject = "the " + (
        title if first in PLACES or first[0].isdigit() else title[0].lower() + title[1:]
    )
    if category in ("grants", "contracts", "commissioning"):
        summary = _paragraphs(
            f"The Police and Crime Commissioner {verb} "
            + (
                f"funding of {_money(amount)} for {phrase} in {place}."
                if status == "approved"
                else f"{subject}."
            ),
            w.outcome(service),
        )
        background = _paragraphs(
            w.need(service),
            *w.sample(EVIDENCE, rng.randrange(2, 4)),
            w.outcome(service),
            w.meeting(day),
        )
        options = w.options(
            [
                f"Do nothing. The current arrangements for {phrase} would end and no replacement "
                "would be in "
                "place. This was rejected because it would leave people without support.",
                *SERVICE_OPTIONS,
            ]
        )
    else:
        bank = OTHER_TEXT[category]
        summary = _paragraphs(
            f"The Police and Crime Commissioner {verb} {subject}"
            + (f", with a value of {_money(amount)}." if amount else "."),
            w.pick(bank["why"]),
        )
        background = _paragraphs(
            *w.sample(bank["why"] + bank["background"], rng.randrange(3, 5)), w.meeting(day)
        )
        options = w.options(bank["options"])
    if status == "approved":
        decision_text = _paragraphs(
            f"To {w.pick(['approve', 'agree', 'authorise'])} {subject}"
            + (f", at a cost of {_money(amount)}" if amount else "")
            + (
                f", for {months} months from {_long_date(procurement['contract_start'])}"
                if procurement and procurement.get("contract_start")
                else ""
            )
            + ".",
            "To delegate to the Chief Executive the authority to agree the final terms, in "
            "consultation with the Chief Finance Officer."
            if rng.random() < 0.5
            else "",
        )
    else:
        decision_text = _paragraphs(
            {
                "rejected": f"Not to approve {subject}. The Commissioner was not satisfied that it "
                "offered value for money.",
                "deferred": f"To defer a decision on {subject} until further information on costs "
                "and demand is available.",
                "withdrawn": f"The proposal for {subject} was withdrawn by officers before a "
                "decision "
                "was made.",
            }[status]
        )

    out.append(f"reference: {reference}")
    out.append(f"title: {_quote(title)}")
    out.append(f"date: {day.isoformat()}")
    out.append(f"published: {published.isoformat()}")
    out.append(f"signed: {signed.isoformat()}")
    out.append("decision_maker: Police and Crime Commissioner")
    out.append(f"status: {status}")
    out.append(f"category: {category}")
    out.append(f"lead_officer: {w.pick(LEAD_OFFICERS.get(category, OFFICERS))}")
    out.append("summary: " + _block(summary).rstrip("\n"))
    out.append("decision: " + _block(decision_text).rstrip("\n"))
    out.append("background: " + _block(background).rstrip("\n"))
    if rng.random() < 0.8:
        out.append("options_considered: " + _block(options).rstrip("\n"))
    out.append(
        "interests_declared: "
        + (
            "None"
            if rng.random() < 0.95
            else _quote(
                "The Commissioner is a trustee of a charity that bid; she took no part in the "
                "evaluation."
            )
        )
    )
    out.append(
        "significant_public_interest: "
        f"{'true' if amount and amount >= 10_000 or rng.random() < 0.3 else 'false'}"
    )
    out.append("implications:")
    for heading, text in w.implications(amount, stream).items():
        out.append(f"  {heading}: " + _block(text, "    ").rstrip("\n"))
    if amount is not None:
        out.append("financial:")
        out.append(f"  amount: {amount:.2f}")
        out.append("  currency: GBP")
        if stream:
            out.append(f"  funding_stream: {stream}")
        out.append(f'  financial_year: "{_financial_year(day)}"')
    if recipients:
        out.append("recipients:")
        for name, org_id, share in recipients:
            out.append(f"  - name: {_quote(name)}")
            if org_id:
                out.append(f"    org_id: {org_id}")
            if share is not None:
                out.append(f"    amount: {share:.2f}")
    if procurement:
        out.append("procurement:")
        for key, value in procurement.items():
            if value is not None:
                out.append(f"  {key}: {value.isoformat() if isinstance(value, dt.date) else value}")
    documents = []
    if rng.random() < 0.35:
        name = f"{reference}-decision-notice.txt"
        (files / name).write_text(
            f"Decision notice {reference}\n\n{title}\n\n{summary}\n", encoding="utf-8"
        )
        documents.append(("Decision notice", "file", name))
    if rng.random() < 0.5:
        documents.append(
            (
                w.pick(
                    [
                        "Report to the Police and Crime Panel",
                        "Equality Impact Assessment",
                        "Service specification",
                    ]
                ),
                "url",
                "https://www.exampleshire-pcc.gov.uk/documents/"
                f"{reference.lower()}-{rng.randrange(1, 9)}.pdf",
            )
        )
    if procurement and procurement["route"] != "grant-round" and not documents:
        # A contract register entry carries its invitation to tender or the contract itself.
        documents.append(
            (
                "Contract" if procurement["route"] == "direct-award" else "Invitation to tender",
                "url",
                f"https://www.exampleshire-pcc.gov.uk/contracts/{reference.lower()}.pdf",
            )
        )
    if documents:
        out.append("documents:")
        for doc_title, kind, target in documents:
            out.append(f"  - title: {doc_title}")
            out.append(f"    {kind}: {target}")
    same = [ref for ref, cat in earlier[-200:] if cat == category]
    if same and rng.random() < 0.35:
        out.append("related:")
        for ref in sorted(set(rng.sample(same, min(len(same), rng.randrange(1, 4))))):
            out.append(f"  - {ref}")
    if same and rng.random() < 0.05:
        out.append(f"supersedes: {w.pick(same)}")
    out.append("tags:")
    for tag in sorted(
        set(
            tags
            + (
                [
                    w.pick(
                        [
                            "partnership",
                            "prevention",
                            "covid-19" if 2020 <= day.year <= 2021 else "value-for-money",
                        ]
                    )
                ]
                if rng.random() < 0.5
                else []
            )
        )
    ):
        out.append(f"  - {tag}")
    if (
        procurement
        and procurement.get("route") in ("open-tender", "restricted-tender")
        and rng.random() < 0.4
    ):
        out.append("exempt:")
        out.append("  - title: Tender evaluation scores")
        out.append("    reason: Section 43 FOIA - commercial interests")
        out.append(
            "    content: "
            + _block(
                f"Scores of the {procurement['bids_received']} bids by question, with the panel's "
                "moderation notes.",
                "      ",
            ).rstrip("\n")
        )
    if category == "grants" and rng.random() < 0.1:
        out.append("exempt:")
        out.append("  - title: Applicants' bank details")
        out.append("    reason: Section 40 FOIA - personal information")
    charge = (stream, _financial_year(day), amount) if stream and amount is not None else None
    return "\n".join(out) + "\n", charge


# --- Funding tables and toolkit
# -----------------------------------------------------------------------


def _allocation(rng: random.Random, base: float, spent: float) -> str:
    """An allocation the decisions charged to it fit in, with some headroom (the corpus may be
    large)."""
    return str(max(round(base), math.ceil(spent * rng.uniform(1.05, 1.3) / 1000) * 1000))


def _funding(rng: random.Random, spent: dict[tuple[str, str], float]) -> dict[str, str]:
    rows = []
    for stream_id, name in STREAMS:
        base = rng.randrange(200_000, 6_000_000)
        values = [
            _allocation(
                rng,
                base * (1 + 0.03 * i) + rng.randrange(-50_000, 50_000),
                spent.get((stream_id, year), 0),
            )
            for i, year in enumerate(STREAM_YEARS)
        ]
        if rng.random() < 0.15:
            values[0] = "null"
        rows.append(
            f"  - id: {stream_id}\n    name: {_quote(name)}\n    values: [{', '.join(values)}]\n"
        )
    streams = (
        "title: Funding streams 2023 to 2026\n"
        "description: "
        + _block(
            _paragraphs(
                "The main funding streams the Police and Crime Commissioner uses to commission "
                "services that help "
                "deliver the Police and Crime Plan."
            )
        )
        + "unit: GBP\n"
        f"columns: [{', '.join(_quote(y) for y in STREAM_YEARS)}]\n"
        "rows:\n" + "".join(rows)
    )
    covid_rows = []
    for stream_id, name in COVID_STREAMS:
        values = [
            "null",
            str(rng.randrange(100_000, 1_500_000)) + f".{rng.randrange(100):02d}",
            str(rng.randrange(50_000, 400_000)),
        ]
        values = [
            v
            if v == "null" or spent.get((stream_id, year), 0) <= float(v)
            else _allocation(rng, 0, spent[(stream_id, year)])
            for v, year in zip(values, COVID_YEARS)
        ]
        covid_rows.append(
            f"  - id: {stream_id}\n    name: {_quote(name)}\n    values: [{', '.join(values)}]\n"
        )
    covid = (
        "title: COVID-19 emergency funding\n"
        "description: "
        + _block("Extraordinary funding from the Ministry of Justice during the COVID-19 pandemic.")
        + "unit: GBP\n"
        f"columns: [{', '.join(_quote(y) for y in COVID_YEARS)}]\n"
        "rows:\n" + "".join(covid_rows)
    )
    return {"funding-streams.yaml": streams, "covid-19-emergency-funding.yaml": covid}


TOOLKIT = {
    "cycle/analyse.md": (
        "Stage 1: Analyse",
        "analyse",
        "public",
        "Understand the need before deciding what to buy.",
    ),
    "cycle/plan.md": (
        "Stage 2: Plan",
        "plan",
        "public",
        "Decide how to meet the need, with a cost model and a specification.",
    ),
    "cycle/do.md": (
        "Stage 3: Do",
        "do",
        "public",
        "Procure the service fairly and award the contract or grant.",
    ),
    "cycle/review.md": (
        "Stage 4: Review",
        "review",
        "public",
        "Monitor the service and learn from it.",
    ),
    "internal/work-plan.md": (
        "Internal Commissioning Group work plan",
        "plan",
        "internal",
        "The group's plan for the year.",
    ),
}


# Template text every toolkit document shares; internal documents declare it (shared_text).
_BOILERPLATE = (
    "This page describes what we do at this stage of the commissioning cycle, who is involved and "
    "what we produce.",
    "Record the decisions you make and the reasons for them, so that the Internal Commissioning "
    "Group and "
    "the Commissioner can rely on them later.",
)


def _toolkit(path: str, title: str, stage: str, audience: str, description: str) -> str:
    body = _paragraphs(f"{description} {_BOILERPLATE[0]}", _BOILERPLATE[1])
    shared = (
        "".join(f"  - {_quote(passage)}\n" for passage in _BOILERPLATE)
        if audience == "internal"
        else ""
    )
    return (
        f"---\ntitle: {_quote(title)}\nstage: {stage}\naudience: {audience}\ndescription: "
        f"{_quote(description)}\n"
        f"owner: Head of Commissioning\nreviewed: 2025-06-30\nreview_due: 2026-06-30\n"
        + (f"shared_text:\n{shared}" if shared else "")
        + f"---\n\n# {title}\n\n{body}\n"
    )


# --- The corpus
# -------------------------------------------------------------------------------------


def write_corpus(root: Path, n: int, seed: int = 0) -> None:
    """Write a complete synthetic site with n decision records at root (replacing what is there)."""
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    rng = random.Random(seed)
    content, decisions = root / "content", root / "decisions"
    files = decisions / "files"
    for folder in (content / "funding", files):
        folder.mkdir(parents=True)

    config = _repo_config()
    (root / "mkdocs.yml").write_text(_mkdocs_yml(config), encoding="utf-8")
    for name in _nav_files(config.get("nav")):
        # Pages the repository writes by hand; the plugin generates the rest.
        if (REPO / "content" / name).is_file():
            page = content / name
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(_hand_page(name), encoding="utf-8")
    specified = REPO / "content" / "specified-information.yaml"
    if specified.is_file():
        (content / "specified-information.yaml").write_text(
            _specified(specified.read_text(encoding="utf-8")), encoding="utf-8"
        )

    for path, spec in TOOLKIT.items():
        target = content / "toolkit" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_toolkit(path, *spec), encoding="utf-8")

    writer = _Writer(rng)
    earlier: list[tuple[str, str]] = []
    numbers: dict[int, int] = {}
    spent: dict[tuple[str, str], float] = {}
    for day in _dates(rng, n):
        numbers[day.year] = numbers.get(day.year, 0) + 1
        reference = f"{PREFIX}-{day.year}-{numbers[day.year]:03d}"
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        folder = decisions / str(day.year)
        folder.mkdir(exist_ok=True)
        text, charge = _decision(writer, reference, day, category, earlier, files)
        (folder / f"{reference}.yaml").write_text(text, encoding="utf-8")
        earlier.append((reference, category))
        if charge:
            spent[charge[:2]] = spent.get(charge[:2], 0) + charge[2]
    # Written after the decisions, so that each stream's allocation covers what they charge to it.
    for name, text in _funding(rng, spent).items():
        (content / "funding" / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the synthetic benchmark site.")
    parser.add_argument("root", type=Path)
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_corpus(args.root, args.n, args.seed)
