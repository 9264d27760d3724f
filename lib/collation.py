"""Names in the order a French, Dutch or German reader expects: "Caritas" before
"CRVI", "Médecins" before "Ministerium", "CPAS 9" before "CPAS 10".

The columns that hold names use the database collation NAME_COLLATION
(`db_collation`), so that every ORDER BY on them, and their indexes, follow it.
On PostgreSQL it is an ICU collation (made by the migration
`register.0011_name_collation`): CLDR's root order, which French, Dutch and
German share, with numbers compared by value; it is deterministic, so that equal
means identical and LIKE and indexes work. SQLite has no such order: `compare`
writes the same rules in Python and is registered on every SQLite connection
under the same name (`sqlite_register`). Both compare letters and numbers first,
case and accents aside; then accents; then case, lower first; then the text
itself, so that only identical texts are equal.

SQLite keeps its indexes in the order this module gives: a change to its rules
needs a migration that runs `REINDEX maillage_names`. A tool that opens the
SQLite file without this module (the `sqlite3` shell) cannot sort these columns
nor write to their tables.
"""

import functools
import re
import sqlite3
import unicodedata
from typing import Any
from unicodedata import normalize

NAME_COLLATION = "maillage_names"

# Primary weights: spaces, then punctuation in ICU's order, then any other symbol
# sort before numbers and letters ("De Panne" before "Dendermonde").
_PUNCTUATION = "_-–—,;:!?.·'‘’\"“”«»()[]{}§@*/\\&#%`^°+<=>|~$£€"
_SYMBOL = chr(2 + len(_PUNCTUATION))
_SYMBOLS = re.compile(r"[^\w\x01-" + re.escape(_SYMBOL) + "]")
# A number is compared by its value: its length (below letters) then its digits.
_NUMBERS = re.compile(r"\d+")
# Letters with no decomposition that ICU sorts as others ("æ" as "ae", "ø" as
# "o" with a stroke), with their secondary weight. Cyrillic letters go in ICU's
# order (Python's puts "є" and "і" after "я"); "й" is a letter of its own,
# kept from decomposing into "и" (as a private character).
_KEPT = {"й": "\ue000", "Й": "\ue001"}
_KEEP = re.compile(f"[{''.join(_KEPT)}]")
_CYRILLIC = {
    letter: chr(0x430 + index)
    for index, letter in enumerate("абвгдђеєжзѕиійјклљмнњопрстћуфхцчџшщъыьэюя")
}
# Accents in ICU's order: acute, grave, breve, circumflex, caron, ring,
# diaeresis, double acute, tilde, dot, cedilla, ogonek, macron.
_ACCENTS = (
    "\u0301\u0300\u0306\u0302\u030c\u030a\u0308\u030b\u0303\u0307\u0327\u0328\u0304"
)
_MARKS = {mark: chr(2 + index) for index, mark in enumerate(_ACCENTS)}
_OTHER_MARK, _STROKE, _ETH, _LIGATURE = (chr(2 + len(_ACCENTS) + n) for n in range(4))
_LETTERS = {
    "ø": ("o", _STROKE),
    "ł": ("l", _STROKE),
    "đ": ("d", _STROKE),
    "ð": ("d", _ETH),
    "ґ": ("г", _STROKE),
    "æ": ("ae", _LIGATURE),
    "œ": ("oe", _LIGATURE),
    "ß": ("ss", _LIGATURE),
}
# Text without accents, lower-cased: ASCII through one table (as bytes, ten
# times faster), the few other characters that need it through another.
_ASCII = str.maketrans(
    {
        **{chr(code): _SYMBOL for code in (*range(0x20), 0x7F)},
        **dict.fromkeys(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f", "\x01"),
        **{char: chr(2 + index) for index, char in enumerate(_PUNCTUATION)},
    }
)
_ASCII_BYTES = bytes(ord(_ASCII.get(code, chr(code))) for code in range(128))
_ASCII_BYTES += bytes(range(128, 256))
_OTHERS = {
    **{
        char: chr(2 + index)
        for index, char in enumerate(_PUNCTUATION)
        if not char.isascii()
    },
    **_CYRILLIC,
    **{
        letter: "".join(_CYRILLIC.get(base, base) for base in bases)
        for letter, (bases, _mark) in _LETTERS.items()
    },
    **{kept: _CYRILLIC[letter.lower()] for letter, kept in _KEPT.items()},
}
_OTHER = re.compile(r"[^\S\x00-\x7f]|[" + re.escape("".join(_OTHERS)) + "]")
_COMBINING = re.compile(
    "["
    + "".join(
        re.escape(chr(code))
        for code in range(0x300, 0x10000)
        if unicodedata.combining(chr(code))
    )
    + "]"
)
_COMMON, _UPPER = "\x01", "\x02"


def _decomposed(text: str) -> str:
    if not text.isascii():
        text = _KEEP.sub(lambda kept: _KEPT[kept.group()], normalize("NFC", text))
    return normalize("NFKD", text)


def _other(match: re.Match[str]) -> str:
    return _OTHERS.get(match.group(), "\x01")


def _number(match: re.Match[str]) -> str:
    digits = str(int(match.group()))
    return chr(0x30 + min(len(digits), 0x30)) + digits


@functools.lru_cache(maxsize=65536)
def _primary_key(text: str) -> str:
    """The letters, numbers, spaces and punctuation of `text`, case and accents
    aside: what tells most names apart."""
    if not text.isascii():
        text = _COMBINING.sub("", _decomposed(text)).casefold()
    if text.isascii():
        weighted = text.lower().encode().translate(_ASCII_BYTES).decode()
    else:
        weighted = _OTHER.sub(_other, text.translate(_ASCII))
        weighted = _SYMBOLS.sub(_SYMBOL, weighted)
    return _NUMBERS.sub(_number, weighted)


def _finer_keys(text: str) -> tuple[str, str]:
    """The accents (secondary) and the case (tertiary) of `text`, in the order
    of its letters, a number counting as one."""
    secondary: list[str] = []
    tertiary: list[str] = []
    in_number = False
    # "й" decomposed: its breve counts only between texts whose letters are the
    # same, where it is in both.
    for char in normalize("NFKD", text):
        if unicodedata.combining(char):
            secondary.append(_MARKS.get(char, _OTHER_MARK))
            continue
        if char.isdecimal():
            if not in_number:
                secondary.append(_COMMON)
                tertiary.append(_COMMON)
            in_number = True
            continue
        in_number = False
        lower = char.lower()
        letters, mark = _LETTERS.get(lower, (lower, ""))
        case = _COMMON if lower == char else _UPPER
        secondary.append(_COMMON + mark + _COMMON * (len(letters) - 1))
        tertiary.append(case * len(letters))
    return "".join(secondary), "".join(tertiary)


@functools.lru_cache(maxsize=4096)
def _full_key(text: str) -> tuple[str, str, str, str]:
    return _primary_key(text), *_finer_keys(text), text


def compare(left: str, right: str) -> int:
    """-1, 0 or 1 as `left` sorts before, with or after `right` in
    NAME_COLLATION. Accents and case are read only when the letters are the
    same."""
    if left == right:
        return 0
    first, second = _primary_key(left), _primary_key(right)
    if first != second:
        return -1 if first < second else 1
    return -1 if _full_key(left) < _full_key(right) else 1


# Sorting in Python as the database does: `sorted(names, key=sort_key)`.
sort_key = functools.cmp_to_key(compare)


def sqlite_register(connection: sqlite3.Connection) -> None:
    """Give a SQLite connection the names' collation."""
    connection.create_collation(NAME_COLLATION, compare)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: every SQLite connection Django opens."""
    if connection.vendor == "sqlite":
        sqlite_register(connection.connection)
