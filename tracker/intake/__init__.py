"""Follow-up intake: a later statement or press release read for the meetings it reports and the
commitments it advances. Pure: text and plain candidates in, proposals out; no database."""
