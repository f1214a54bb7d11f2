"""Files made to hurt: they must be refused or bounded, quickly and without eating memory."""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator

import pytest

from ltv_engine.orders.ingest import FileReason, IngestLimits, InvalidOrdersFile, read_orders

MB = 1024 * 1024
HEADER = b"customer,date,amount\n"


def refused(data: bytes, filename: str = "orders.csv", **kw: object) -> InvalidOrdersFile:
    with pytest.raises(InvalidOrdersFile) as caught:
        read_orders(data, filename, **kw)  # type: ignore[arg-type]
    return caught.value


def peak_of_refusal(work: Callable[[], object]) -> int:
    """Peak bytes allocated while ``work`` runs to its refusal (beyond what existed before)."""
    tracemalloc.start()
    with pytest.raises(InvalidOrdersFile):
        work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_ten_million_rows_stop_at_the_row_limit_without_holding_them() -> None:
    data = HEADER + b"\n" * 10_000_000  # 10 MB: under the byte limit, far over the row limit
    limits = IngestLimits(max_rows=200_000)
    error = refused(data, limits=limits)
    assert (error.reason, error.details["limit"]) == (FileReason.TOO_MANY_ROWS, 200_000)
    assert peak_of_refusal(lambda: read_orders(data, "x.csv", limits=limits)) < 2 * MB


def test_rows_beyond_the_limit_are_not_read() -> None:
    data = HEADER + b"a,2024-01-05,1\n" * 1_000_000
    error = refused(data, limits=IngestLimits(max_bytes=100 * MB, max_rows=1000))
    assert error.reason is FileReason.TOO_MANY_ROWS
    assert error.details["row"] == 1002  # the header is row 1: it stopped right past the limit


def test_a_file_over_the_byte_limit_is_refused_before_reading() -> None:
    data = HEADER + b"a,2024-01-05,1\n" * 1_500_000  # 22 MB
    assert refused(data).reason is FileReason.TOO_LARGE


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"x" * (20 * MB), FileReason.LINE_TOO_LONG),
        (b"," * (20 * MB), FileReason.TOO_MANY_COLUMNS),
    ],
)
def test_a_20_mb_single_line(line: bytes, reason: FileReason) -> None:
    data = HEADER + line
    limits = IngestLimits(max_bytes=21 * MB)
    error = refused(data, limits=limits)
    assert (error.reason, error.details["row"]) == (reason, 2)
    assert peak_of_refusal(lambda: read_orders(data, "x.csv", limits=limits)) < 16 * MB


def test_a_quoted_field_over_many_lines_is_refused() -> None:
    field = b'"' + b"x\n" * 100_000 + b'"'
    data = HEADER + b"a,2024-01-05," + field + b"\n"
    error = refused(data)
    assert (error.reason, error.details["row"]) == (FileReason.NOT_TABULAR, 2 + 65_536)


def test_junk_dates_do_not_grow_the_date_cache() -> None:
    rows = b"".join(b"a,junk-%d,1\n" % i for i in range(200_000))
    error = refused(HEADER + rows)
    assert (error.reason, error.details["why"]) == (FileReason.NO_USABLE_ROWS, "bad_date")


def test_a_pathological_amount_is_rejected() -> None:
    amount = b"1 " * 5000 + b"x"
    data = HEADER + b"a,2024-01-05,1\n" * 3 + b"a,2024-01-05," + amount + b"\n"
    _, report = read_orders(data, "x.csv")
    assert report.first_malformed == (5, "bad_amount")


# XLSX ---------------------------------------------------------------------------------------


def _zeros(size: int, chunk: int = MB) -> Iterator[bytes]:
    block = b"0" * chunk
    for _ in range(size // chunk):
        yield block


def zipped(
    entries: dict[str, bytes | Iterator[bytes]], compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries.items():
            with archive.open(name, "w", force_zip64=True) as entry:
                for piece in [content] if isinstance(content, bytes) else content:
                    entry.write(piece)
    return buffer.getvalue()


def with_encryption_flag(data: bytes) -> bytes:
    """Set bit 0 (encrypted) of the flags in every local and central header."""
    patched = bytearray(data)
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = patched.find(signature)
        while start >= 0:
            patched[start + flags_at] |= 0x1
            start = patched.find(signature, start + 4)
    return bytes(patched)


def test_zip_bomb_is_refused_before_decompressing() -> None:
    bomb = zipped({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": _zeros(50 * MB)})
    assert len(bomb) < MB
    error = refused(bomb, "orders.xlsx")
    assert (error.reason, error.details["kind"]) == (FileReason.XLSX_UNSAFE, "ratio")
    assert peak_of_refusal(lambda: read_orders(bomb, "orders.xlsx")) < 4 * MB


def test_too_big_uncompressed_is_refused() -> None:
    plain = random.Random(0).randbytes(2 * MB)  # deflate cannot shrink it
    data = zipped({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": plain})
    error = refused(data, "x.xlsx", limits=IngestLimits(max_xlsx_uncompressed=MB))
    assert (error.reason, error.details["kind"]) == (FileReason.XLSX_UNSAFE, "uncompressed")


def test_encrypted_zip_entries_are_refused() -> None:
    data = with_encryption_flag(zipped({"xl/workbook.xml": b"<workbook/>"}))
    error = refused(data, "x.xlsx")
    assert (error.reason, error.details["kind"]) == (FileReason.XLSX_UNSAFE, "encrypted")


def test_odd_compression_is_refused() -> None:
    data = zipped({"xl/workbook.xml": b"<workbook/>"}, zipfile.ZIP_BZIP2)
    error = refused(data, "x.xlsx")
    assert (error.reason, error.details["kind"]) == (FileReason.XLSX_UNSAFE, "compression")


def test_password_protected_workbook_is_refused() -> None:
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 500
        + "EncryptedPackage".encode("utf-16-le")
    )
    error = refused(ole, "secret.xlsx")
    assert (error.reason, error.details["kind"]) == (FileReason.XLSX_UNSAFE, "encrypted")
