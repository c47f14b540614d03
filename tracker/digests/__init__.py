"""Email digests: what each officer should look at, composed once per period into the outbox
and delivered by a sender that retries temporary failures with the same Message-ID."""
