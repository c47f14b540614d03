"""Benchmarks: what the issues name, measured in figures, on throw-away databases.

- `scratch`: throw-away databases, the figure a benchmark reports, the accounts' password
- `seed`: figures on the seed agreement (schema, listing, parsing, import, status updates)
- `reports`, `digests`: review reports, a batch of them, a portfolio's brief; digests sent
- `suite`: `tracker bench`, all of the above in order
- `web`: `tracker bench-web`, simulated users against the real server
- `scale`: `tracker bench-scale`, a realistic portfolio (`builder`) measured (`measure`) at
  two sizes (`run`)

Imports point one way, so there is no circle: scratch <- seed <- reports, digests <- suite;
scratch, seed, scale.builder <- web <- scale.measure <- scale.run. Nothing here is imported
at start-up: the CLI imports a part inside the command that runs it.
"""
