"""Coordination: TKPK membership, the annual work agenda, rakor, decisions and follow-ups."""
