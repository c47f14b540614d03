"""Service functions: the logic behind every CLI command, web route and scheduled job.

Each takes the session keyword-only and returns plain models; none prints or parses arguments.
"""
