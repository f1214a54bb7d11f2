"""Everything that knows Telegram: routers, keyboards, states, storage, app factory."""
