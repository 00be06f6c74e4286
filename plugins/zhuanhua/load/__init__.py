"""Loading into the warehouse: connections (and the embedded server behind them), the
loader-owned schemas, the loader that commits each file version once, and the quarantine
the data steward works through."""
