"""LTV from a shop's own order export: ingest, measured inputs, cohorts, BG/NBD, Gamma-Gamma, RFM."""
