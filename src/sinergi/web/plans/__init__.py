"""Programs and the annual action plan (RAT): OPD program lines, versions, lock, realisation."""
