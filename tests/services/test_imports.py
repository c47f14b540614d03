"""Importing agreements into the database: all or nothing, idempotent, revisions on request."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from tracker.db import read_session, write_session
from tracker.domain import LinkRole
from tracker.errors import NotFound
from tracker.importer import parse_agreement
from tracker.importer.errors import ImportInputError
from tracker.importer.mechanism_catalog import MechanismCatalog
from tracker.models import (
    Agreement,
    ChangeRecord,
    Clause,
    Commitment,
    CommitmentMechanism,
    Division,
    Mechanism,
    Officer,
    Section,
    StatusUpdate,
    StatusUpdateCreate,
)
from tracker.services.filing import key_for
from tracker.services.import_sources import read_source, sample_source
from tracker.services.imports import import_agreement
from tracker.services.lookup import find_commitment, find_mechanism
from tracker.services.policy import FollowUpPolicy
from tracker.services.revisions import RevisionNeedsReplace
from tracker.services.status_updates import record_status_update

CORPUS = Path(__file__).parents[1] / "fixtures" / "corpus"
CATALOG = MechanismCatalog.load_default()


def import_text(engine: Engine, text: str, name: str = "seed.txt", **options: object) -> object:
    parsed = parse_agreement(text, catalog=CATALOG)
    with write_session(engine) as session:
        return import_agreement(parsed, session=session, source_name=name, **options)  # type: ignore[arg-type]


def test_the_seed_lands_with_its_record_structure_and_desk_officer(engine: Engine) -> None:
    outcome = import_text(engine, sample_source(), "kr-ca-security-defence-partnership-2025.txt")
    assert outcome.outcome == "imported"  # type: ignore[attr-defined]
    with read_session(engine) as session:
        agreement = session.exec(select(Agreement)).one()
        assert agreement.key == "kr-ca-security-defence-partnership-2025"
        assert agreement.title == "한-캐나다 안보·국방 협력 파트너십 수립"
        assert (agreement.domestic_body, agreement.foreign_body) == ("외교부", "국방부")
        assert agreement.countries == "캐나다"
        assert str(agreement.signed_on) == "2025-10-30"
        assert agreement.place == "대한민국 경주"
        officer = session.get(Officer, agreement.desk_officer_id)
        assert officer is not None and (officer.rank, officer.name) == ("외무서기관", "정진우")
        division = session.get(Division, officer.division_id)
        assert division is not None and (division.ministry, division.name) == ("외교부", "북미2과")
        assert len(session.exec(select(Clause)).all()) == 26
        assert len(session.exec(select(Section)).all()) == 8


def test_every_stored_commitment_is_a_verbatim_span_of_the_stored_source(engine: Engine) -> None:
    import_text(engine, sample_source())
    with read_session(engine) as session:
        agreement = session.exec(select(Agreement)).one()
        commitments = session.exec(select(Commitment)).all()
        assert commitments
        for commitment in commitments:
            span = agreement.source_text[commitment.span_start : commitment.span_end]
            assert span == commitment.text, commitment.ref


def test_tracked_commitments_are_linked_to_the_mechanism_that_reviews_them(engine: Engine) -> None:
    import_text(engine, sample_source())
    with read_session(engine) as session:
        agreement = session.exec(select(Agreement)).one()
        reviewer = session.get(Mechanism, agreement.review_mechanism_id)
        assert reviewer is not None and "정책 대화" in reviewer.name
        two_plus_two = session.get(Mechanism, reviewer.reports_to_id)
        assert two_plus_two is not None and "2+2" in two_plus_two.name
        tracked = session.exec(select(Commitment).where(Commitment.tracked == True)).all()  # noqa: E712
        reviewed = set(
            session.exec(
                select(CommitmentMechanism.commitment_id).where(
                    CommitmentMechanism.role == LinkRole.REVIEWS,
                    CommitmentMechanism.mechanism_id == reviewer.id,
                )
            ).all()
        )
        assert {c.id for c in tracked} == reviewed


def test_importing_the_same_text_again_changes_nothing(engine: Engine) -> None:
    import_text(engine, sample_source())
    again = import_text(engine, sample_source(), "copy-of-seed.txt")
    assert again.outcome == "unchanged"  # type: ignore[attr-defined]
    with read_session(engine) as session:
        assert len(session.exec(select(Agreement)).all()) == 1
        assert len(session.exec(select(ChangeRecord)).all()) == 1


def test_a_revised_text_is_refused_with_what_changed_until_replace(engine: Engine) -> None:
    import_text(engine, sample_source())
    original = sample_source()
    revised = original.replace(
        "26. 이 안보·국방 협력 파트너십의 내용은 적절히 검토될 것이다.",
        "26. 이 안보·국방 협력 파트너십의 내용은 매년 검토될 것이다.",
    )
    assert revised != original
    with read_session(engine) as session:
        before = {c.ref: c.id for c in session.exec(select(Commitment)).all()}
    with pytest.raises(
        RevisionNeedsReplace, match=r"revises agreement 'seed'.*26\.1 reworded"
    ) as no:
        import_text(engine, revised)
    assert no.value.describe("en", terminal=True).endswith("(see `tracker import PATH --replace`)")
    assert no.value.http_status == 409
    assert "(바뀌는 점 1건: 이행과제 26.1 문구 변경)" in no.value.describe("ko")  # each change too
    # the API's body: each change a code, its words in the reader's language, its fields
    korean, english = no.value.as_json("ko"), no.value.as_json("en")
    assert korean["code"] == english["code"] == "import.revision"
    assert korean["fields"]["changes"] == [
        {
            "code": "revision.commitment.reworded",
            "message": "이행과제 26.1 문구 변경",
            "fields": {"ref": "26.1"},
        }
    ]
    assert english["fields"]["changes"] == [
        {
            "code": "revision.commitment.reworded",
            "message": "commitment 26.1 reworded",
            "fields": {"ref": "26.1"},
        }
    ]
    assert korean["fields"]["count"] == english["fields"]["count"] == 1
    outcome = import_text(engine, revised, replace=True)
    assert outcome.outcome == "replaced"  # type: ignore[attr-defined]
    with read_session(engine) as session:
        after = {c.ref: c for c in session.exec(select(Commitment)).all()}
        assert {ref: c.id for ref, c in after.items()} == before  # follow-up stays attached
        assert "매년 검토될 것이다" in after["26.1"].text
        assert len(session.exec(select(Agreement)).all()) == 1
        record = session.exec(select(ChangeRecord).where(ChangeRecord.action == "replaced")).one()
        # the facts, not a sentence: the history and any page word them in their language
        assert record.detail["changes"] == [
            {"code": "revision.commitment.reworded", "fields": {"ref": "26.1"}}
        ]


def test_mechanisms_are_shared_between_agreements_that_name_them(engine: Engine) -> None:
    import_text(engine, sample_source(), "first.txt")
    second = sample_source().replace("2025-10-30", "2027-11-02").replace("경주", "오타와")
    import_text(engine, second, "second.txt")
    with read_session(engine) as session:
        names = session.exec(select(Mechanism.name)).all()
        assert len(names) == len(set(names))
        assert sum("2+2" in name for name in names) == 1
        assert len(session.exec(select(Agreement)).all()) == 2


def test_a_failure_half_way_writes_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import tracker.services.imports as imports

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_store_structure", explode)
    with pytest.raises(RuntimeError):
        import_text(engine, sample_source())
    with read_session(engine) as session:
        assert session.exec(select(Agreement)).all() == []
        assert session.exec(select(Mechanism)).all() == []


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_every_corpus_file_imports(engine: Engine, name: str) -> None:
    text = read_source(CORPUS / name, max_bytes=5_000_000)
    outcome = import_text(engine, text, name)
    with read_session(engine) as session:
        commitments = session.exec(
            select(Commitment).where(Commitment.agreement_id == outcome.agreement_id)  # type: ignore[attr-defined]
        ).all()
        assert any(c.tracked for c in commitments)


def test_keys_come_from_the_file_name_without_a_listing_ordinal() -> None:
    parsed = parse_agreement(sample_source(), catalog=CATALOG)
    assert key_for(parsed, "00_kr-ca_security-defence-partnership_2025-10-30_portal.txt") == (
        "kr-ca-security-defence-partnership-2025-10-30-portal"
    )
    assert key_for(parsed, "한캐나다.txt") == "agreement-2025-10-30"


def test_a_file_over_the_size_limit_is_refused_naming_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("1. 양국은 협력할 것이다.\n" * 100, encoding="utf-8")
    with pytest.raises(
        ImportInputError, match=r"big.txt: file is [\d,]+ bytes, larger than .*imports.max_bytes"
    ):
        read_source(path, max_bytes=100)


def test_each_partner_has_its_own_two_plus_two(engine: Engine) -> None:
    import_text(engine, sample_source(), "canada.txt")
    australia = (
        sample_source()
        .replace("관련국가\n캐나다 캐나다", "관련국가\n호주 호주")
        .replace("한-캐나다 안보·국방 협력 파트너십 수립", "한-호주 안보·국방 협력 파트너십 수립")
    )
    import_text(engine, australia, "australia.txt")
    with read_session(engine) as session:
        two_plus_twos = session.exec(
            select(Mechanism).where(col(Mechanism.name).contains("2+2"))
        ).all()
        assert sorted(m.counterpart for m in two_plus_twos) == ["캐나다", "호주"]
        with pytest.raises(NotFound, match=r"'2\+2' names 2 mechanisms: .*NAME@COUNTERPART"):
            find_mechanism("2+2", session=session)
        assert find_mechanism("2+2@호주", session=session).counterpart == "호주"


def test_a_revision_that_drops_a_followed_up_commitment_is_refused(engine: Engine) -> None:
    import_text(engine, sample_source())
    with write_session(engine) as session:
        commitment = find_commitment("seed:26.1", session=session)
        record_status_update(
            commitment,
            StatusUpdateCreate(status="in_progress", as_of=date(2026, 1, 5)),
            session=session,
            policy=FollowUpPolicy(),
            author="정진우",
            today=date(2026, 1, 5),
        )
    revised = sample_source().replace(
        "26. 이 안보·국방 협력 파트너십의 내용은 적절히 검토될 것이다.", ""
    )
    with pytest.raises(RevisionNeedsReplace, match=r"no longer has commitment\(s\) 26.1 of 'seed'"):
        import_text(engine, revised, replace=True)
    with read_session(engine) as session:
        assert len(session.exec(select(StatusUpdate)).all()) == 1
