"""The portfolio benchmark: `tracker bench-scale` (and `make bench-scale`).

`builder` makes a realistic portfolio of N agreements in a fresh database (each corpus text
imported once through the real importer, then cloned with bulk inserts under new titles,
dates, counterparts and desk officers); `measure` times every page, API call, CLI command,
digest, brief and review report against it, at N and at FACTOR x N, and prints the table.
"""
