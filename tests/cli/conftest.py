"""The CLI speaks the terminal's language; its tests read English unless a test asks for
Korean, whatever the language of the machine running them."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_LANGUAGE", "en")
