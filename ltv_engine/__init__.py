"""Pure LTV domain code: formulas, parsing of human numbers, advice rules, order analysis."""
