"""A shop's order export in the chat: upload, check the columns, get measured and predicted LTV."""
