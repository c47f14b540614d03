"""Marking message ids, kept apart from `tracker.words` so that a module can mark its ids
without loading the catalogues (the CLI's help texts are marked at import; `tracker --version`
must stay fast)."""


def N_(message_id: str) -> str:
    """Marks a message id for extraction where it is looked up later (a table of choices, a
    help text)."""
    return message_id
