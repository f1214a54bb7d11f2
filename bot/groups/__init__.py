"""Group chats: one-line /ltv, the team's shop profile, admins' setup, the bot's membership."""
