"""Follow-up intake benchmark: proposing for a two-page press release against 50 agreements.

The agreements are the seed, each copy with every commitment worded apart (a number in each
clause's subject), so no copy's words come from the analyzer's memory of another's. The text
names its counterpart and no agreement, so the candidates are found as an officer without `-a`
would find them. The first proposal loads the Korean model and reads every commitment (cold);
the figure with the goal is the median of the proposals after it (warm: a web server's case).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from importlib import resources

from tracker.bench.scratch import Figure, Scratch, median_ms
from tracker.db import read_session, write_session
from tracker.schema import upgrade_database


def follow_up_sample() -> str:
    """The two-page Korean press release on the seed that ships with tracker."""
    return (
        resources.files("tracker").joinpath("samples/follow-up-kr-ca-2026.txt").read_text("utf-8")
    )


def bench_follow_up(scratch: Scratch, *, agreements: int, repeat: int) -> Iterator[Figure]:
    from tracker.bench.seed import seed_variant
    from tracker.importer import parse_agreement
    from tracker.importer.mechanism_catalog import MechanismCatalog
    from tracker.intake.proposals import IntakeRules
    from tracker.intake.terms import Analyzer
    from tracker.services.import_sources import sample_source
    from tracker.services.imports import import_agreement
    from tracker.services.intake import propose_follow_up

    engine = scratch.engine("intake")
    upgrade_database(engine)
    seed, catalog = sample_source(), MechanismCatalog.load_default()
    for number in range(agreements):
        text = seed_variant(seed, number).replace("한국과 캐나다는", f"한국과 캐나다는 ({number})")
        with write_session(engine) as session:
            import_agreement(
                parse_agreement(text, catalog=catalog),
                session=session,
                source_name=f"intake-{number}.txt",
            )
    analyzer, rules, text = Analyzer(), IntakeRules(), follow_up_sample()
    links = 0

    def propose() -> None:
        nonlocal links
        with read_session(engine) as session:
            proposal = propose_follow_up(
                text, session=session, analyzer=analyzer, rules=rules, source_name="sample"
            )
        assert proposal.agreements == agreements, proposal.agreements
        links = len(proposal.reading.links)

    started = time.perf_counter()
    propose()
    cold = (time.perf_counter() - started) * 1000
    yield Figure(
        f"follow-up intake, first proposal (loads the Korean model; {agreements} agreements)",
        cold,
        "ms",
    )
    warm = median_ms(propose, repeat=repeat)
    engine.dispose()
    yield Figure(
        f"follow-up intake of a {len(text):,}-character press release against {agreements} "
        f"agreements ({links} links proposed), warm",
        warm,
        "ms",
        goal="≤ 1,000 ms",
    )
