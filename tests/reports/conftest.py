"""Reading PDFs back as a reader would: their text, their fonts, their pages."""

from __future__ import annotations

import subprocess
from pathlib import Path


def pdf_text(path: Path, *, layout: bool = False, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        [*args, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout.replace("\u2060", "")


def pdf_pages(path: Path) -> list[str]:
    """The text of each page; pdftotext separates pages with a form feed."""
    return pdf_text(path, layout=True).split("\f")[:-1]


def pdf_fonts(path: Path) -> list[str]:
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    return [line.split()[0].split("+", 1)[-1] for line in lines if line.strip()]
