"""Routers of the bot; each module exposes build_router() that returns a NEW router."""
