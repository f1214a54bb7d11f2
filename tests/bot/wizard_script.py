"""Walking the wizard the way a person does; shared by the conversation tests."""

from tests.fakes.client import TelegramClient

GOLDEN_ANSWERS = ("$65", "0.6", "58%", "18 months", "40")


async def reach_summary_golden(client: TelegramClient) -> None:
    """The published example: $65, 0.6 orders a month, 58 %, 18 months, CAC $40."""
    await client.send("/calc")
    await client.click("Cosmetics")
    aov, frequency, margin, lifetime, cac = GOLDEN_ANSWERS
    await client.send(aov)
    await client.send(frequency)
    await client.send(margin)
    await client.click("lifetime")
    await client.send(lifetime)
    await client.send(cac)
    await client.click("Skip")
