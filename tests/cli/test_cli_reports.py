"""`tracker report`: what a desk officer types before a 2+2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli


@pytest.mark.slow  # the whole demo, its review PDF rendered: seconds
def test_the_demo_report_is_listed_with_its_file_and_fingerprint(cli: Cli, tmp_path: Path) -> None:
    assert cli("demo").exit_code == 0
    listed = json.loads(cli("report", "list", "--json").stdout)
    assert [(r["kind"], r["subject"], r["version"], r["generated_by"]) for r in listed] == [
        ("review", "kr-ca-2025/cycle-1", 1, "demo")
    ]
    table = cli("report", "list", "-a", "kr-ca-2025").stdout
    assert "kr-ca-2025/cycle-1" in table and "_review-cycle-01_ko_v01.pdf" in table


def test_html_for_a_quick_look_is_written_and_not_recorded(cli: Cli, tmp_path: Path) -> None:
    assert cli("demo", "--no-report").exit_code == 0
    out = tmp_path / "look.html"
    result = cli(
        "report", "review", "-a", "kr-ca-2025", "--lang", "en", "--html", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out}\n"
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="en"' in html
    assert cli("report", "list").stdout.startswith("no reports yet")


def test_bad_requests_are_refused_in_one_line(cli: Cli) -> None:
    assert cli("demo", "--no-report").exit_code == 0
    unknown = cli("report", "review", "-a", "kr-xx-2030")
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "error: no agreement 'kr-xx-2030' (see `tracker agreements list`)\n",
    )
    cycle = cli("report", "review", "-a", "kr-ca-2025", "--cycle", "7")
    assert cycle.exit_code == 1
    assert cycle.stderr.startswith("error: agreement 'kr-ca-2025' has no review cycle 7")
    brief = cli("report", "brief", "--mechanism", "2+2", "--meeting", "2030-01-01")
    assert brief.exit_code == 1 and brief.stderr.count("\n") == 1


def test_the_review_is_written_for_hangul_and_word_as_one_version(cli: Cli, tmp_path: Path) -> None:
    assert cli("demo", "--no-report").exit_code == 0
    made = cli("report", "review", "-a", "kr-ca-2025", "--format", "hwpx", "-f", "docx")
    assert made.exit_code == 0, made.output
    lines = made.stdout.splitlines()
    assert len(lines) == 2
    assert "_review-cycle-01_ko_v01.hwpx (" in lines[0] and lines[0].endswith(", v1)")
    assert "_review-cycle-01_ko_v01.docx (" in lines[1] and "pages" not in made.stdout
    listed = json.loads(cli("report", "list", "--json").stdout)
    assert sorted((r["format"], r["version"], r["pages"]) for r in listed) == [
        ("docx", 1, None),
        ("hwpx", 1, None),
    ]
    table = cli("report", "list").stdout
    assert "HWPX" in table and "DOCX" in table

    out = tmp_path / "for-the-director"
    named = cli("report", "review", "-a", "kr-ca-2025", "-f", "docx", "-f", "hwpx", "-o", str(out))
    assert named.exit_code == 0, named.output
    assert (tmp_path / "for-the-director.docx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "for-the-director.hwpx").read_bytes()[:2] == b"PK"


def test_a_format_the_output_name_contradicts_or_that_does_not_exist_is_refused(
    cli: Cli, tmp_path: Path
) -> None:
    assert cli("demo", "--no-report").exit_code == 0
    out = tmp_path / "review.pdf"
    clash = cli("report", "review", "-a", "kr-ca-2025", "--format", "docx", "--out", str(out))
    assert (clash.exit_code, clash.stderr) == (
        1,
        "error: the --out file review.pdf does not end in the chosen format docx: "
        "name it .docx or change --format\n",
    )
    unknown = cli("report", "review", "-a", "kr-ca-2025", "--format", "odt")
    assert unknown.exit_code == 2
    assert unknown.stderr.endswith("error: '--format' / '-f' takes one of: pdf, hwpx, docx\n")
    assert not out.exists() and cli("report", "list").stdout.startswith("no reports yet")
