"""The provincial statistics feed (`shared/spec/provincial-feed.md`), exported from the marts."""
