"""Padanan: linking registry records into one register of persons and families."""
