"""The provincial statistics feed (`shared/spec/provincial-feed.md`), exported from the marts:
periods, the tables' specs and sums, reconciliation, files and versions."""
