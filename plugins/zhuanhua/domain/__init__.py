"""Pure domain: what the feeds deliver, the code tables, Chinese identifiers, value
normalisation and the personal-data hash. No I/O beyond reading the seed code tables; every
other stage builds on this one."""
