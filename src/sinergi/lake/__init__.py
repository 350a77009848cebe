"""Table contracts, the data folder layout and the engine connection (filled by later issues)."""
