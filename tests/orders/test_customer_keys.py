"""One customer however the file spells them: the rules of the keys, and both readers (the
NumPy one of plain files and the general one) counting the spellings as one customer shown
by its first spelling."""

from __future__ import annotations

import numpy as np
import pytest

from ltv_engine.orders.customer_keys import customer_keys, merge_spellings
from ltv_engine.orders.ingest import read_orders
from ltv_engine.orders.table import IngestReport, OrderTable


def one_customer(*spellings: str) -> bool:
    return len(set(customer_keys(spellings))) == 1


def all_apart(*spellings: str) -> bool:
    return len(set(customer_keys(spellings))) == len(spellings)


QA_PHONES = ("+7 (916) 111-22-33", "8 916 111 22 33", "+79161112233", "8-916-111-22-33")

SAME = {
    "e-mail case and spaces": ("Ann@Shop.com", "ann@shop.com", " ANN@SHOP.COM "),
    "e-mail beyond ASCII": ("АННА@ПОЧТА.РФ", "анна@почта.рф", "Анна@Почта.рф"),
    "phone formats, 8 and +7": QA_PHONES,
    "phone without +7 in a Russian file": (*QA_PHONES, "(916) 111-22-33", "916 111-22-33"),
    "phone with dots and a spaced plus": (
        "+1 212.555.0100",
        "1-212-555-0100",
        "+ 1 (212) 555-0100",
    ),
    "inner runs of whitespace": ("Anna  Smith", "Anna Smith", "Anna\tSmith", "Anna\xa0 Smith"),
    "whitespace at the edges": (" Anna Smith", "Anna Smith\u2009", "\u3000Anna Smith"),
    "a line break inside an id": ("Anna\nSmith", "Anna Smith", "Anna\r\n Smith"),
}

APART = {
    "system ids keep their case": ("AB12", "ab12", "Ab12"),
    "not e-mails keep their case": ("A@B", "a@b", "X@Y.", "x@y.", "@Shop.com", "@shop.com"),
    "an e-mail with a space is no e-mail": ("Ann @shop.com", "ann @shop.com"),
    "too few or too many digits for a phone": ("12-34-56", "123456", "1234 5678 9012 3456 7"),
    "a plus inside is no phone": ("7+9161112233", "79161112233+"),
    "letters make it no phone": ("tel 89161112233", "Tel 89161112233"),
    "different numbers": ("+7 916 111 22 33", "+7 916 111 22 34", "+7 926 111 22 33"),
    "an 8 in front of a twelve-digit number is no trunk prefix": (
        "8 916 111 22 334",
        "7 916 111 22 334",
    ),
    "numeric ids are no phones": ("80000000001", "70000000001", "+70000000001"),
    "bare digits are no phone": ("89161112233", "79161112233", "9161112233", "+79161112233"),
    "a separator at an edge is no phone format": ("-89161112233", "-79161112233"),
    "characters near whitespace are not spaces": ("Клиент №5", "Клиент 5", "a—b", "a b"),
}


@pytest.mark.parametrize("spellings", SAME.values(), ids=SAME.keys())
def test_spellings_of_one_customer_share_a_key(spellings: tuple[str, ...]) -> None:
    assert one_customer(*spellings)


@pytest.mark.parametrize("spellings", APART.values(), ids=APART.keys())
def test_other_ids_stay_apart(spellings: tuple[str, ...]) -> None:
    assert all_apart(*spellings)


def test_ids_that_are_neither_keep_their_text_trimmed_and_respaced() -> None:
    texts = ["  Order-42  ", "Anna   Smith", "ID\tA7", "x@y", "№ 5", "abc"]
    assert customer_keys(texts) == ["Order-42", "Anna Smith", "ID A7", "x@y", "№ 5", "abc"]


def test_ten_digits_are_no_russian_number_where_most_phones_are_not_russian() -> None:
    us_file = ["+1 916 111 2233", "+1 212 555 0100", "+7 916 111 22 33", "(916) 111-2233"]
    keys = customer_keys([*us_file, "916-111-2233"])
    assert keys[4] == keys[3] != keys[2]  # (916) 111-2233 is not +7 916 111 22 33


def test_eight_in_front_of_ten_digits_is_plus_seven_only_in_a_mostly_russian_file() -> None:
    us_file = ["+1 916 111 2233", "+1 212 555 0100", "+1 646 555 0101"]
    assert all_apart(*us_file, "8 916 111 22 33", "+7 916 111 22 33")
    assert one_customer(*QA_PHONES[:2], "8 916 111 22 33", "+7 916 111 22 33")


BRAZIL = ("(11) 91234-5678", "(21) 99876-5432", "(31) 98888-7777", "(71) 98765-4321")


def test_a_mostly_brazilian_file_keeps_its_eights() -> None:
    assert all_apart(*BRAZIL, "(81) 98765-4321")
    bare = [text.translate(str.maketrans("", "", "() -")) for text in BRAZIL]
    keys = customer_keys([*bare, "81987654321"], header="WhatsApp")
    assert len(set(keys)) == len(keys)


def test_a_plus_before_eight_is_no_trunk_prefix() -> None:
    keys = customer_keys([*QA_PHONES, "+81 3 1234 5678", "+7 131 234 56 78"])
    assert len(set(keys)) == 3


PHONE_HEADERS = (
    "Телефон",
    "Моб. телефон",
    "Тел.",
    "Phone number",
    "CustomerPhone",
    "Mobile",
    "WhatsApp",
    "мобильный",
    "Номер телефона клиента",
)
OTHER_HEADERS = ("Customer ID", "Код клиента", "Клиент", "Telegram", "Телеграм", "Mobility", "")


@pytest.mark.parametrize("header", PHONE_HEADERS)
def test_bare_digits_under_a_phone_header_are_phones(header: str) -> None:
    keys = customer_keys(
        ["89161112233", "79161112233", "9161112233", "80000000001"], header=header
    )
    assert keys[0] == keys[1] == keys[2] != keys[3]


@pytest.mark.parametrize("header", OTHER_HEADERS)
def test_bare_digits_under_another_header_stay_apart(header: str) -> None:
    assert customer_keys(["89161112233", "79161112233"], header=header) == [
        "89161112233",
        "79161112233",
    ]


# hard spellings (their phones all Russian, so that any choice of them is a Russian file): the
# batch reading must give each the key it gets alone
POOL = [
    *QA_PHONES,
    "Ann@Shop.com",
    " ANN@SHOP.COM ",
    "АННА@ПОЧТА.РФ",
    "a@b",
    "x@y.z",
    "Anna  Smith",
    "Anna\xa0Smith",
    "a\nb",
    "AB12",
    "12-34-56",
    "7+9161112233",
    "Клиент №5",
    "€5",
    "q",
    "(495) 123-45-67",
    "12345678901234567",
]


@pytest.mark.parametrize("seed", range(20))
def test_each_text_gets_the_key_it_gets_alone(seed: int) -> None:
    rng = np.random.default_rng(seed)
    texts = [str(text) for text in rng.choice(np.array(POOL, dtype=object), size=30)]
    assert customer_keys(texts) == [customer_keys([text])[0] for text in texts]


def test_merged_customers_show_their_first_spelling() -> None:
    merged = merge_spellings(
        ["x", "ann@shop.com", "8 916 111 22 33", "Ann@Shop.com", "+79161112233"]
    )
    assert merged is not None
    assert merged.code.tolist() == [0, 1, 2, 1, 2]
    assert merged.ids == ["x", "ann@shop.com", "8 916 111 22 33"]
    assert merged.respelled == 2


def test_first_seen_ranks_the_spellings() -> None:
    spellings = ["Ann@Shop.com", "ann@shop.com", "b"]  # sorted; in the file b, ann, Ann
    merged = merge_spellings(spellings, first_seen=np.array([2, 1, 0]))
    assert merged is not None
    assert merged.ids == ["ann@shop.com", "b"]


def test_nothing_to_merge_is_none() -> None:
    assert merge_spellings(["a", "A", "ann@shop.com", "+79161112233", "Anna  Smith"]) is None


# both readers

SPELLINGS = ["Ann@Shop.com", "ann@shop.com", *QA_PHONES, "Anna  Smith", "Anna Smith", "b"]


def csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def rows_of(spellings: list[str], *, status: bool, customer: str = "customer") -> bytes:
    header = f"{customer},date,amount" + (",status" if status else "")
    tail = ",paid" if status else ""
    return csv(
        [header]
        + [
            f"{customer},2024-01-{day:02d},{day}{tail}"
            for day, customer in enumerate(spellings, 1)
        ]
    )


def orders_per_customer(table: OrderTable) -> dict[str, int]:
    counts = np.bincount(table.customer, minlength=table.n_customers).tolist()
    return dict(zip(table.customer_ids, counts, strict=True))


def check_merged(table: OrderTable, report: IngestReport) -> None:
    assert orders_per_customer(table) == {
        "Ann@Shop.com": 2,
        "+7 (916) 111-22-33": 4,
        "Anna  Smith": 2,
        "b": 1,
    }
    assert report.respelled_customers == 3
    assert report.orders_used == len(SPELLINGS)


@pytest.mark.parametrize("status", [False, True], ids=["fast reader", "general reader"])
def test_both_readers_count_the_spellings_as_one_customer(
    status: bool, fast_taken: list[bool]
) -> None:
    table, report = read_orders(rows_of(SPELLINGS, status=status), "orders.csv")
    assert fast_taken == [not status]
    check_merged(table, report)


def test_the_first_spelling_is_shown_though_another_sorts_first(fast_taken: list[bool]) -> None:
    table, _ = read_orders(rows_of(["b", "ann@shop.com", "ANN@shop.com"], status=False), "o.csv")
    assert fast_taken == [True]
    assert table.customer_ids == ("ann@shop.com", "b")


def test_the_general_reader_trims_and_merges_spaced_spellings(fast_taken: list[bool]) -> None:
    spellings = [" ANN@SHOP.COM ", "Ann@Shop.com", "ann@shop.com", "c"]
    table, report = read_orders(rows_of(spellings, status=False), "orders.csv")
    assert fast_taken == [False]  # spaces around an id: not a plain file
    assert orders_per_customer(table) == {"ANN@SHOP.COM": 3, "c": 1}
    assert report.respelled_customers == 1


def test_nothing_merged_reports_none(fast_taken: list[bool]) -> None:
    _, report = read_orders(rows_of(["a", "A", "b"], status=False), "orders.csv")
    assert fast_taken == [True] and report.respelled_customers == 0


BY_COLUMN = {
    "numeric ids": ("Customer ID", ["80000000001", "70000000001"], 2),
    "a mostly Brazilian file": ("customer", [*BRAZIL, "(81) 98765-4321"], len(BRAZIL) + 1),
    "bare digits under Телефон": ("Телефон", ["89161112233", "79161112233", "9161112233"], 1),
    "formatted Russian phones": ("Customer ID", list(QA_PHONES), 1),
}


@pytest.mark.parametrize("status", [False, True], ids=["fast reader", "general reader"])
@pytest.mark.parametrize(("header", "spellings", "customers"), BY_COLUMN.values(), ids=BY_COLUMN)
def test_both_readers_take_phones_by_their_format_or_their_column(
    status: bool, fast_taken: list[bool], header: str, spellings: list[str], customers: int
) -> None:
    data = rows_of(spellings, status=status, customer=header)
    table, report = read_orders(data, "orders.csv")
    assert fast_taken == [not status]
    assert spellings[0] in table.customer_ids and table.n_customers == customers
    assert report.respelled_customers == (customers == 1)
