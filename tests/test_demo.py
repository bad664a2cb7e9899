"""`make demo`: the demonstration site's sources put something on every page type and register,
so a newcomer sees every feature (read from the records; building is `make demo`'s job)."""

from __future__ import annotations

from benchmarks import demo
from benchmarks.corpus import write_corpus
from generator import load as loader
from generator import registers
from generator.publication import publish
from generator.settings import read_settings


def test_the_demo_populates_every_page_type_and_register(tmp_path):
    write_corpus(tmp_path, demo.RECORDS, demo.SEED)
    records = loader.load(read_settings(tmp_path / "mkdocs.yml"))
    assert [d.text() for d in records.diagnostics] == []
    publication = publish(records)
    derived = registers.derive(publication)

    assert len(publication.decisions) == demo.RECORDS
    assert publication.categories == list(publication.settings.categories)
    assert {d.status for d in publication.decisions} == {
        "approved",
        "deferred",
        "rejected",
        "withdrawn",
    }
    assert derived.contracts, "the contracts register is empty"
    assert [
        row for row in derived.grants if row.recipient is not None and row.amount is not None
    ], "no grant names its recipients"
    assert derived.totals_by_year and derived.totals_by_stream
    assert derived.significant
    assert publication.superseded_by, "no decision is superseded"
    assert publication.related
    assert [d for d in publication.decisions if d.exempt], "no decision has withheld parts"
    assert publication.withheld.exempt, "no withheld part has content to keep out of the site"
    assert [d for d in publication.decisions if d.documents]
    assert publication.funding_tables and publication.spend
    assert publication.toolkit, "the toolkit is empty"
    assert publication.withheld.internal, "no internal toolkit document shows what is kept out"
    settings = publication.settings
    assert settings.publisher.url and settings.publisher.email and settings.publisher.phone
