"""The private-chat LTV wizard: one question at a time, Back/Skip/Cancel, a summary, the result."""
