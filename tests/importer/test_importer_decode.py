"""Reading agreement files: every encoding a desk officer is likely to have, or a clear refusal.

A file is never silently turned into mojibake: what is not UTF-8, UTF-16 or plausible CP949
Korean is refused with one line that names the file.
"""

from __future__ import annotations

import codecs
import html
from pathlib import Path

import pytest

from tracker.importer import ImportInputError, parse_agreement
from tracker.importer.decode import decode_source, html_to_text
from tracker.importer.mechanism_catalog import MechanismCatalog

SEED = (
    Path(__file__).parents[1]
    / "fixtures"
    / "corpus"
    / ("00_kr-ca_security-defence-partnership_2025-10-30_portal.txt")
)
TEXT = SEED.read_text(encoding="utf-8")
CATALOG = MechanismCatalog.load_default()


def cp949_safe(text: str) -> str:
    """The seed with the three characters CP949 cannot hold replaced by ones it can."""
    return text.replace("❚", "■").replace("\xa0", " ").replace("•", "·")


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("utf-8", TEXT.encode("utf-8")),
        ("utf-8 with BOM", codecs.BOM_UTF8 + TEXT.encode("utf-8")),
        ("utf-16 LE with BOM", codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le")),
        ("utf-16 BE with BOM", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ],
)
def test_unicode_files_decode_to_the_same_text(label: str, data: bytes) -> None:
    assert decode_source(data, name="seed.txt") == TEXT, label


def test_windows_line_endings_become_newlines_and_nothing_else_changes() -> None:
    crlf = TEXT.replace("\n", "\r\n").encode("utf-8")
    assert decode_source(crlf, name="seed.txt") == TEXT
    old_mac = TEXT.replace("\n", "\r").encode("utf-8")
    assert decode_source(old_mac, name="seed.txt") == TEXT


def test_a_cp949_file_reads_as_korean_and_parses_like_the_utf8_one() -> None:
    korean = cp949_safe(TEXT)
    decoded = decode_source(korean.encode("cp949"), name="seed-euckr.txt")
    assert decoded == korean
    parsed = parse_agreement(decoded, catalog=CATALOG)
    assert len(parsed.clauses) == 26
    assert parsed.record is not None and parsed.record.officer_division == "북미2과"


def test_binary_data_is_refused_naming_the_file() -> None:
    with pytest.raises(ImportInputError, match=r"^scan\.pdf: .*binary"):
        decode_source(b"%PDF-1.7\x00\x01\x02\x00 stream", name="scan.pdf")
    with pytest.raises(ImportInputError, match=r"^noise\.bin: .*control characters"):
        decode_source(bytes(range(1, 32)) * 20, name="noise.bin")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t  "])
def test_an_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ImportInputError, match=r"^empty\.txt: the file is empty"):
        decode_source(data, name="empty.txt")


def test_latin_1_text_is_refused_rather_than_read_as_mojibake() -> None:
    latin1 = (
        "Accord de coopération économique — Zürich, façade, naïve, résumé; Ærøskøbing et Grüße. "
        "Les Parties contractantes s'efforceront de développer leur coopération.\n"
    ).encode("latin-1", errors="replace")
    with pytest.raises(ImportInputError, match=r"^accord\.txt: not UTF-8, UTF-16 or CP949"):
        decode_source(latin1, name="accord.txt")


def test_a_bom_that_lies_is_refused() -> None:
    with pytest.raises(ImportInputError, match="UTF-16-LE"):
        decode_source(codecs.BOM_UTF16_LE + b"\x00\xd8", name="odd.txt")  # a lone surrogate


def test_every_refusal_is_one_line() -> None:
    for data in (b"", b"\x00\x00", "é à".encode("latin-1")):
        with pytest.raises(ImportInputError) as caught:
            decode_source(data, name="f.txt")
        assert "\n" not in str(caught.value)


# --- HTML ----------------------------------------------------------------------------------------


def seed_as_html(charset: str = "euc-kr") -> bytes:
    """The portal page saved as HTML: each line a paragraph, the page in EUC-KR."""
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in TEXT.split("\n"))
    page = (
        "<!DOCTYPE html>\n<html lang='ko'><head>"
        f'<meta charset="{charset}"><title>경제외교활용포털</title>'
        "<style>p { margin: 0 }</style>"
        "<script>document.write('<p>1. 스크립트가 쓴 가짜 조항</p>');</script>"
        f"</head>\n<body>\n{body}</body></html>\n"
    )
    return page.encode("cp949" if charset == "euc-kr" else charset, errors="xmlcharrefreplace")


def test_the_portal_page_saved_as_html_parses_to_the_same_agreement() -> None:
    text = decode_source(seed_as_html(), name="seed.html")
    assert "<p>" not in text and "document.write" not in text and "p { margin" not in text
    assert "❚ 비공식\xa0국문본" in text  # &#10074; and &nbsp; came back as characters
    parsed = parse_agreement(text, catalog=CATALOG)
    plain = parse_agreement(TEXT, catalog=CATALOG)
    assert [c.number for c in parsed.clauses] == [c.number for c in plain.clauses]
    assert [s.title for s in parsed.sections] == [s.title for s in plain.sections]
    assert parsed.record == plain.record
    assert [(c.ref, c.strength) for c in parsed.commitments] == [
        (c.ref, c.strength) for c in plain.commitments
    ]
    assert [m.name for m in parsed.mechanisms] == [m.name for m in plain.mechanisms]
    assert parsed.review_mechanism == plain.review_mechanism


def test_an_html_page_in_utf8_is_read_too() -> None:
    text = decode_source(seed_as_html("utf-8"), name="seed.html")
    assert len(parse_agreement(text, catalog=CATALOG).clauses) == 26


def test_html_that_misstates_its_charset_is_refused() -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>합의</p></body></html>'
    with pytest.raises(ImportInputError, match=r"^page\.html: declares charset 'utf-8'"):
        decode_source(page.encode("cp949"), name="page.html")


def test_html_to_text_keeps_blocks_apart_and_unescapes_entities() -> None:
    page = (
        "<body><h1>Joint&nbsp;Statement</h1><p>We <b>will</b>\n   meet &amp; talk.</p>"
        "<ul><li>one</li><li>two</li></ul>line<br>break</body>"
    )
    assert (
        html_to_text(page)
        == "Joint\xa0Statement\n\nWe will meet & talk.\n\none\n\ntwo\n\nline\nbreak\n"
    )
