"""LTV from a shop's order export: ingest, measured inputs, cohorts, BG/NBD, Gamma-Gamma, RFM."""
