"""The TKPK's documents made from Sinergi's data: RPKD, RAT, LP2KD and rakor papers."""
