"""Progress: targets beside the actuals, the scorecard, and program coverage against need."""
