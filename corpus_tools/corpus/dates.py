"""Dates as researchers have them: ISO dates known to the day, the month or only the year.

A date string is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; its *precision* says
which. Plots draw a date at the middle of the interval it names
(:func:`date_position`) with the interval as its uncertainty
(:func:`date_interval`), and every selection by date uses one rule
(:func:`date_in_range`).
"""
from __future__ import annotations

import datetime as _dt
import re

import pandas as pd

from ..errors import MetadataError

__all__ = ["parse_date", "date_position", "date_interval", "date_in_range", "date_order"]

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def parse_date(value: object, *, where: str = "date") -> tuple[str, str]:
    """Parse an ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``).

    Returns ``(iso, precision)`` with precision ``day``, ``month`` or ``year``;
    an empty value gives ``("", "")``. A whole-number year such as ``1970`` or
    ``1970.0`` (as spreadsheets write it) is accepted.

    Raises :class:`MetadataError` naming ``where`` and the value otherwise.
    """
    s = "" if value is None else str(value).strip()
    if s == "" or s.lower() == "nan":
        return "", ""
    if re.fullmatch(r"\d{4}\.0+", s):
        s = s.split(".")[0]
    m = _ISO_DATE.match(s)
    if m:
        y, mo, d = m.groups()
        try:
            if d is not None:
                _dt.date(int(y), int(mo), int(d))
                return f"{int(y):04d}-{int(mo):02d}-{int(d):02d}", "day"
            if mo is not None:
                if not 1 <= int(mo) <= 12:
                    raise ValueError("month out of range")
                return f"{int(y):04d}-{int(mo):02d}", "month"
            return f"{int(y):04d}", "year"
        except ValueError:
            pass
    raise MetadataError(
        f"{where}: date {s!r} is not a valid ISO date. Expected YYYY-MM-DD, YYYY-MM "
        f"or YYYY (for example 2018-06 for 'June 2018', with date_precision 'month'); "
        f"fix the value or leave it empty."
    )


def date_position(date: str, precision: str = "") -> pd.Timestamp:
    """Where to draw a date on a time axis: the middle of the interval it names.

    A day is drawn on that day, a month on its 15th, a year on 1 July, so a
    point known only to the month or year sits at the centre of its range of
    possible dates. An empty date gives ``NaT``.
    """
    if not date:
        return pd.NaT
    iso, prec = parse_date(date)
    prec = precision or prec
    parts = [int(x) for x in iso.split("-")]
    if prec == "day" and len(parts) == 3:
        return pd.Timestamp(*parts)
    if prec in ("day", "month") and len(parts) >= 2:
        return pd.Timestamp(parts[0], parts[1], 15)
    return pd.Timestamp(parts[0], 7, 1)


def date_interval(date: str, precision: str = "") -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day a date of this precision can mean.

    ``("2018-06", "month")`` is 1 to 30 June 2018; ``("2019", "year")`` is the
    whole of 2019. Plots draw this range as the date's uncertainty.
    """
    parts = [int(x) for x in str(date).split("-")]
    if precision == "year" or len(parts) == 1:
        return pd.Timestamp(parts[0], 1, 1), pd.Timestamp(parts[0], 12, 31)
    if precision == "month" or len(parts) == 2:
        first = pd.Timestamp(parts[0], parts[1], 1)
        return first, first + pd.offsets.MonthEnd(0)
    day = pd.Timestamp(*parts[:3])
    return day, day


def date_in_range(date: str, date_from: str = "", date_to: str = "") -> bool:
    """Whether a document's date may fall in ``[date_from, date_to]`` (inclusive ISO prefixes).

    Dates compare as prefixes, so a date's whole interval counts: ``"2019"``
    is in ``("2019-06", "2019-12")`` and ``"2018-06"`` is in
    ``("2018-06-09", "")``. An empty date is never in a range. This is the
    one rule :meth:`Corpus.select` and :func:`corpus_tools.keywords.in_period`
    share.
    """
    if not date:
        return False
    return (not date_from or date >= date_from[: len(date)]) and (
        not date_to or date[: len(date_to)] <= date_to
    )


def date_order(docs: pd.DataFrame) -> list[str]:
    """The doc_ids of a document table in date order (undated last, ties by doc_id).

    ``docs`` has the columns ``doc_id, date, date_precision``
    (``Corpus.to_frame()`` or ``tokens.docs``). Dates are placed with
    :func:`date_position`, so a document known only to the year sorts at
    1 July of that year. Figures and notebooks use this order for panels
    and rows.
    """
    pos = [date_position(d, p) if d else pd.NaT for d, p in zip(docs["date"], docs["date_precision"])]
    return docs.assign(_pos=pos).sort_values(["_pos", "doc_id"], na_position="last")["doc_id"].astype(str).tolist()
