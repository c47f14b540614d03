"""Scheduled work: what is due (decided by the database), the ledger that makes each unit run
exactly once, and the one scheduler process that only says "check now"."""
