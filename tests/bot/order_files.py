"""Order exports for the chat tests, built in code with a fixed seed (no files on disk)."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

HEADERS = ("Номер заказа", "Дата заказа", "Клиент", "Сумма", "Статус")
START = date(2023, 1, 2)


def orders_csv(customers: int, days: int, *, seed: int = 7, cancelled_every: int = 0) -> bytes:
    """A shop's export (';', decimal commas, dd.mm.yyyy) in which customers arrive over the
    first half of the period, buy at their own pace until they drop out, each with a usual
    order size. With ``cancelled_every`` = k, every k-th order is marked cancelled."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(HEADERS)
    number = 0
    for customer in range(customers):
        day = rng.randrange(days // 2)
        pace = rng.gammavariate(0.8, 1 / 20)  # purchases a day
        dropout = rng.random() * 0.3  # chance to stop after each purchase
        usual = rng.gammavariate(4, 500)
        while day < days:
            number += 1
            status = "отменён" if cancelled_every and number % cancelled_every == 0 else "выполнен"
            amount = f"{usual * rng.uniform(0.7, 1.3):.2f}".replace(".", ",")
            when = (START + timedelta(days=day)).strftime("%d.%m.%Y")
            writer.writerow([number, when, f"client{customer:04d}@shop.example", amount, status])
            if rng.random() < dropout:
                break
            day += max(1, int(rng.expovariate(pace)))
    return out.getvalue().encode("utf-8")
