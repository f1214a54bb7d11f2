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


async def reach_lifetime_choice(
    client: TelegramClient, aov: str, frequency: str, margin: str | None = None
) -> None:
    """/calc with no kind of business, up to the choice of how the lifetime is known."""
    await client.send("/calc")
    await client.click("Skip")
    await client.send(aov)
    await client.send(frequency)
    if margin is None:
        await client.click("Skip")
    else:
        await client.send(margin)
