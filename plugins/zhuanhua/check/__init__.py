"""Checking rows: typing by column kind, the row rules as Great Expectations suites with
our custom expectations, and references to rows the warehouse has not seen yet. Decides what
fails and why; writes nothing."""
