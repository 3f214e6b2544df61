"""Corpus loading: the real seeds (values checked by reading the files) and bad input."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from corpus_tools import CorpusError, CorpusWarning, MetadataError, load_corpus
from corpus_tools.cli import main as cli_main
from corpus_tools.corpus import date_in_range, date_interval, date_order, date_position, parse_date
from corpus_tools.corpus.boilerplate import parse_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
TINY = Path(__file__).parent / "fixtures" / "tiny"


# ---------------------------------------------------------------------------
# The seeds, parsed from the text alone (no sidecar) and with the sidecar
# ---------------------------------------------------------------------------
# Paragraph counts were checked by reading each file: non-empty lines minus
# removed chrome minus headings. 000: 19 non-empty lines - 8 (language, section,
# title, dateline, byline, role, 2 footer lines) = 11. 001: 17 - 8 = 9.
# 002: 35 - 8 removed (Features, title, Recent Features, "Features | Diplomacy |
# East Asia", 2 repeated titles, Credit line, closing bio) - 3 headings ("U.S.
# Pressure Creates Common Ground", "Deepening China-Russia Ties", "Closer — But
# No Alliance") = 24. 003: 28 - 1 ("Eastern viewpoints") - 2 headings
# ("Chinese discourse", "Chinese-Russian joint efforts ...") = 25. 004: 15 - 8 = 7.
PARSED = {
    "000_c01ebfe935f334d0": (
        "Feeling Squeezed by the U.S., China Leans on Russia in Push for Strategic Balance",
        "Zheng Yu", "Chinese Academy of Social Sciences", "2016-07-07", "day", 11,
    ),
    "001_7bf913d7a1c1c461": (
        "What to Make of Deepening China-Russia Relations?",
        "Yu Sui", "China Center for Contemporary World Studies", "2014-11-21", "day", 9,
    ),
    "002_ef45ccff1751e502": (
        "Will Trump Cement the China-Russia Alliance?",
        "Dai Weilai", "Anhui University", "", "", 24,
    ),
    "003_5eb096638f5dd82a": ("", "", "", "", "", 25),
    "004_ad5c8b53a7d15ffe": (
        "Will Upgraded China-Russia Ties Upset the US?",
        "He Weibao", "Chinese Academy of Social Sciences", "2019-06-18", "day", 7,
    ),
}


def test_seeds_parsed_from_text_alone():
    corpus = load_corpus(SEEDS, metadata=False)
    assert corpus.doc_ids == sorted(PARSED)
    for doc in corpus:
        title, author, aff, date, prec, n_par = PARSED[doc.doc_id]
        assert (doc.title, doc.author, doc.affiliation) == (title, author, aff)
        assert (doc.date, doc.date_precision) == (date, prec)
        assert len(doc.paragraphs) == n_par


def test_seeds_with_sidecar_fill_the_gaps_by_hand():
    frame = load_corpus(SEEDS).to_frame().set_index("doc_id")
    assert frame.loc["002_ef45ccff1751e502", "date"] == "2018-06"
    assert frame.loc["002_ef45ccff1751e502", "date_precision"] == "month"
    assert frame.loc["003_5eb096638f5dd82a", "date"] == "2019"
    assert frame.loc["003_5eb096638f5dd82a", "date_precision"] == "year"
    assert frame.loc["003_5eb096638f5dd82a", "author"] == ""  # never invented
    assert frame.loc["002_ef45ccff1751e502", "outlet"] == "The Diplomat"
    assert list(frame["n_paragraphs"]) == [11, 9, 24, 25, 7]
    # the sidecar's note column is kept as metadata
    assert "Anhui University" in frame.loc["002_ef45ccff1751e502", "note"]


def test_seed_boundaries_and_boilerplate_audit():
    corpus = load_corpus(SEEDS)
    d0 = corpus["000_c01ebfe935f334d0"]
    assert d0.paragraphs[0].startswith("On June 25, Russian President Vladimir Putin")
    assert d0.paragraphs[-1].startswith("Another view worth mentioning")
    d2 = corpus["002_ef45ccff1751e502"]
    # the closing bio is not body text
    assert d2.paragraphs[-1].startswith("The widespread U.S. tradition")
    assert [h.text for h in d2.headings] == [
        "U.S. Pressure Creates Common Ground",
        "Deepening China-Russia Ties",
        "Closer — But No Alliance",
    ]
    report = corpus.boilerplate_report()
    rules = report.groupby("rule").size().to_dict()
    assert rules == {
        "author_bio": 1,
        "byline": 3,
        "byline_role": 3,
        "dateline": 3,
        "image_credit": 1,
        "language_selector": 3,
        "repeated_title": 2,
        "section_label": 7,
        "site_footer": 6,
        "title": 4,
    }
    bio = report[report["rule"] == "author_bio"].iloc[0]
    assert bio["doc_id"] == "002_ef45ccff1751e502" and bio["line"] == 68  # `grep -n` puts the bio on line 68
    assert bio["text"].startswith("Dai Weilai, Ph.D., is an associate professor")
    # no body paragraph contains chrome
    for doc in corpus:
        for p in doc.paragraphs:
            assert p not in ("You might also like", "Back to Top", "Foreign Policy")


def test_to_frame_columns_and_word_counts():
    frame = load_corpus(SEEDS, metadata=False).to_frame()
    assert list(frame.columns) == [
        "doc_id", "title", "author", "affiliation", "outlet", "date", "date_precision",
        "role", "n_paragraphs", "n_words",
    ]
    # n_words = whitespace-delimited words of the body; 004 checked with
    # `wc -w` over its 7 body paragraphs (lines 11-23 of the file) = 759.
    assert frame.set_index("doc_id").loc["004_ad5c8b53a7d15ffe", "n_words"] == 759


def test_cli_docs_csv_prints_exact_columns(capsys):
    assert cli_main(["docs", str(SEEDS), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "doc_id,title,author,affiliation,outlet,date,date_precision,n_paragraphs,n_words"
    assert lines[3] == (
        "002_ef45ccff1751e502,Will Trump Cement the China-Russia Alliance?,Dai Weilai,"
        "Anhui University,The Diplomat,2018-06,month,24,1825"
    )
    assert lines[4] == "003_5eb096638f5dd82a,,,,,2019,year,25,1236"
    assert len(lines) == 6


def test_cli_docs_json_and_table(capsys):
    assert cli_main(["docs", str(SEEDS), "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["author"] for r in records] == ["Zheng Yu", "Yu Sui", "Dai Weilai", "", "He Weibao"]
    assert cli_main(["docs", str(SEEDS)]) == 0
    assert "5 documents, 5,679 words" in capsys.readouterr().out


def test_cli_reports_errors_without_traceback(capsys, tmp_path):
    assert cli_main(["docs", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such file or folder" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------------------
# The tiny fixture: nested folders, sidecar by `file`, BOM + CRLF, extra columns
# ---------------------------------------------------------------------------
def test_fixture_folder_recursive_sorted_with_sidecar():
    corpus = load_corpus(TINY)
    assert corpus.doc_ids == ["a_first", "b_plain", "c_crlf"]
    a, b, c = corpus
    assert (a.title, a.author, a.affiliation, a.date) == (
        "A Test Title About Alliances", "Ann Example", "Example University", "2017-01-05",
    )
    assert a.paragraphs == (
        "The U.S. and China met in Beijing. They talked about trade.",
        "Russia said it would not join an alliance. Partnership matters more.",
    )
    assert [(h.before, h.text) for h in a.headings] == [(1, "A Short Heading")]
    # sidecar wins, and extra columns are kept for grouping
    assert (b.author, b.date, b.date_precision) == ("Bob Plain", "2018", "year")
    assert b.meta["genre"] == "speech"
    # BOM stripped and CRLF normalised
    assert c.paragraphs == ("Windows line endings here.", "And a second paragraph.")
    assert (c.date, c.date_precision) == ("2019-03", "month")
    assert "genre" in corpus.to_frame().columns


def test_select_by_metadata_and_date_range():
    corpus = load_corpus(TINY)
    assert corpus.select(where={"genre": "speech"}).doc_ids == ["b_plain", "c_crlf"]
    assert corpus.select(date_from="2018", date_to="2019-02").doc_ids == ["b_plain"]
    assert corpus.select(date_from="2019-03-31").doc_ids == ["c_crlf"]  # month overlaps
    with pytest.raises(MetadataError, match="no metadata column 'country'"):
        corpus.select(where={"country": "CHN"})


def test_column_mapping_date_from_year(tmp_path):
    (tmp_path / "x.txt").write_text("Some text here.\n")
    (tmp_path / "metadata.csv").write_text("doc_id,year,speaker\nx,1970,Someone\n")
    doc = load_corpus(tmp_path, columns={"date": "year", "author": "speaker"})[0]
    assert (doc.date, doc.date_precision, doc.author) == ("1970", "year", "Someone")


def test_mapped_source_column_stays_selectable(tmp_path):
    # columns={"author": "country_iso"} fills author AND keeps country_iso, so
    # a SELECT_WHERE written with either name works; an unmapped column named
    # like a standard field ("author" here) cannot shadow the mapped value.
    (tmp_path / "a.txt").write_text("Text a.\n")
    (tmp_path / "b.txt").write_text("Text b.\n")
    (tmp_path / "metadata.csv").write_text(
        "doc_id,country_iso,year,author\na,CHN,1970,ignored\nb,RUS,1971,ignored\n"
    )
    corpus = load_corpus(tmp_path, columns={"author": "country_iso", "date": "year"})
    assert [d.author for d in corpus] == ["CHN", "RUS"]
    assert dict(corpus["a"].meta) == {"country_iso": "CHN", "year": "1970"}
    assert corpus.select(where={"country_iso": "RUS"}).doc_ids == ["b"]
    assert corpus.select(where={"author": "CHN"}).doc_ids == ["a"]


def test_table_inputs_csv_and_jsonl(tmp_path):
    csv = tmp_path / "t.csv"
    pd.DataFrame(
        {"id": ["d1", "d2"], "body": ["First text.\nSecond para.", "Other text."],
         "year": ["2001", "2002"], "country_iso": ["CHN", "RUS"]}
    ).to_csv(csv, index=False)
    corpus = load_corpus(csv, text_column="body", columns={"date": "year"})
    assert corpus.doc_ids == ["d1", "d2"]
    assert corpus["d1"].paragraphs == ("First text.", "Second para.")
    assert corpus["d2"].meta["country_iso"] == "RUS" and corpus["d2"].date == "2002"

    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text('{"text": "Hello world.", "author": "A"}\n\n{"text": "Bye.", "author": "B"}\n')
    corpus = load_corpus(jsonl)
    assert corpus.doc_ids == ["row000001", "row000002"]
    assert [d.author for d in corpus] == ["A", "B"]


def test_parse_date_forms_and_month_bounds():
    """ISO dates at each precision, spreadsheet years, empty values, and months 1 and 12 on both sides."""
    # month and day are zero-padded; surrounding blanks are not part of the date
    assert parse_date("2018-6") == ("2018-06", "month")
    assert parse_date(" 2019-1-5 ") == ("2019-01-05", "day")
    # a spreadsheet's whole-number year: 1970.0 (and 2019.00) is the year 1970 (2019)
    assert parse_date("1970.0") == ("1970", "year")
    assert parse_date("2019.00") == ("2019", "year")
    assert parse_date(1970) == ("1970", "year")
    # empty, missing and pandas' "nan" all mean "no date"
    assert parse_date("") == ("", "")
    assert parse_date(None) == ("", "")
    assert parse_date("NaN") == ("", "")
    # months 1 and 12 are months; 0 and 13 are not (with and without a day)
    assert parse_date("2019-01") == ("2019-01", "month")
    assert parse_date("2019-12") == ("2019-12", "month")
    for bad in ("2019-00", "2019-13", "2019-13-01", "2019-00-10", "2019-13-45", "June 2018", "2019-02-30",
                "18-06", "1970.5", "2019-06-"):
        with pytest.raises(MetadataError, match=f"metadata.csv, line 3: date '{bad}' is not a valid ISO date"):
            parse_date(bad, where="metadata.csv, line 3")
    # without a place, the message says "date"
    with pytest.raises(MetadataError, match="^date: date '2019-13' is not a valid ISO date"):
        parse_date("2019-13")


def test_date_position_is_the_middle_of_the_named_interval():
    # a day is drawn on that day; a month on its 15th; a year on 1 July
    assert date_position("2017-03-05", "day") == pd.Timestamp("2017-03-05")
    assert date_position("2018-06", "month") == pd.Timestamp("2018-06-15")
    assert date_position("2019", "year") == pd.Timestamp("2019-07-01")
    # without a precision, the date's own (from parse_date) decides
    assert date_position("2017-03-05") == pd.Timestamp("2017-03-05")
    assert date_position("2018-06") == pd.Timestamp("2018-06-15")
    assert date_position("2019") == pd.Timestamp("2019-07-01")
    # a stated precision coarser than the date wins: 2019-06-18 known only to the month is 15 June,
    # known only to the year is 1 July
    assert date_position("2019-06-18", "month") == pd.Timestamp("2019-06-15")
    assert date_position("2019-06-18", "year") == pd.Timestamp("2019-07-01")
    # a precision finer than the date cannot invent a day: "2019-06" at "day" is still 15 June
    assert date_position("2019-06", "day") == pd.Timestamp("2019-06-15")
    assert date_position("2019", "day") == pd.Timestamp("2019-07-01")
    assert date_position("") is pd.NaT


def test_date_interval_first_and_last_possible_day():
    # June has 30 days; February 2016 has 29 (2016 is divisible by 4), February 2019 has 28
    assert date_interval("2018-06", "month") == (pd.Timestamp("2018-06-01"), pd.Timestamp("2018-06-30"))
    assert date_interval("2016-02", "month")[1] == pd.Timestamp("2016-02-29")
    assert date_interval("2019-02") == (pd.Timestamp("2019-02-01"), pd.Timestamp("2019-02-28"))
    assert date_interval("2019", "year") == (pd.Timestamp("2019-01-01"), pd.Timestamp("2019-12-31"))
    assert date_interval("2019") == (pd.Timestamp("2019-01-01"), pd.Timestamp("2019-12-31"))
    assert date_interval("2017-03-05", "day") == (pd.Timestamp("2017-03-05"),) * 2
    assert date_interval("2017-03-05") == (pd.Timestamp("2017-03-05"),) * 2
    # the precision, when coarser than the date, widens the interval
    assert date_interval("2019-06-18", "month") == (pd.Timestamp("2019-06-01"), pd.Timestamp("2019-06-30"))
    assert date_interval("2019-06-18", "year") == (pd.Timestamp("2019-01-01"), pd.Timestamp("2019-12-31"))


def test_date_in_range_prefix_rule_on_both_sides_of_each_bound():
    """date_in_range(date, from, to): date >= from[:len(date)] and date[:len(to)] <= to (inclusive)."""
    # the case: a month equal to the upper bound is inside ("2019-12"[:7] <= "2019-12")
    assert date_in_range("2019-12", "", "2019-12")
    assert not date_in_range("2020-01", "", "2019-12")  # "2020-01" > "2019-12"
    # equal to the lower bound is inside; the month before is not
    assert date_in_range("2019-12", "2019-12", "")
    assert not date_in_range("2019-11", "2019-12", "")
    # both bounds equal the date: inside
    assert date_in_range("2019-06-18", "2019-06-18", "2019-06-18")
    # a coarse date against a finer bound: compared on its own length, so its whole
    # interval counts. "2019" vs from "2019-06"[:4] = "2019": inside; vs to: "2019" <= "2019-12"
    assert date_in_range("2019", "2019-06", "2019-12")
    assert date_in_range("2018-06", "2018-06-09", "")  # "2018-06" >= "2018-06-09"[:7]
    assert not date_in_range("2018-05-31", "2018-06", "")  # "2018-05-31" < "2018-06"
    # a fine date against a coarser upper bound: cut to the bound's length
    assert date_in_range("2019-12-31", "", "2019")  # "2019" <= "2019"
    assert not date_in_range("2020-01-01", "", "2019")  # "2020" > "2019"
    assert not date_in_range("2020", "", "2019-12-31")  # "2020" > "2019-12-31"
    # open bounds take every dated document; an undated one is in no range, not even the open one
    assert date_in_range("1950", "", "")
    assert not date_in_range("", "", "")
    assert not date_in_range("", "2019", "2020")
    # the bounds default to open
    assert date_in_range("1950") and date_in_range("1950", "1949") and date_in_range("1950", date_to="1951")
    assert not date_in_range("")


def test_date_order_places_coarse_dates_mid_interval_and_undated_last():
    # 1 July 2019 twice (the year "2019" and the day 2019-07-01): ties by doc_id; undated last, by doc_id;
    # "2019-06" (15 June) comes before both
    docs = pd.DataFrame({"doc_id": ["b", "a", "c", "d", "e"], "date": ["", "2019", "2019-07-01", "", "2019-06"],
                         "date_precision": ["", "year", "day", "", "month"]})
    assert date_order(docs) == ["e", "a", "c", "b", "d"]
    # the stated precision places the date, not the date's own form: 2019-06-18 known only to the year
    # is drawn on 1 July (after "c" = 2019-06-20); known to the month, on 15 June (before "c")
    for prec, order in (("year", ["c", "f"]), ("month", ["f", "c"]), ("day", ["c", "f"])):
        two = pd.DataFrame({"doc_id": ["f", "c"], "date": ["2019-06-18" if prec != "day" else "2019-06-21", "2019-06-20"],
                            "date_precision": [prec, "day"]})
        assert date_order(two) == order, prec
    # the seeds: 001 2014-11-21, 000 2016-07-07, 002 2018-06 (15 June), 004 2019-06-18, 003 2019 (1 July)
    frame = load_corpus(SEEDS).to_frame()
    assert date_order(frame) == ["001_7bf913d7a1c1c461", "000_c01ebfe935f334d0", "002_ef45ccff1751e502",
                                 "004_ad5c8b53a7d15ffe", "003_5eb096638f5dd82a"]


# ---------------------------------------------------------------------------
# Header and boilerplate rules (corpus/boilerplate.py), each with its neighbours
# ---------------------------------------------------------------------------
#: An article in the seeds' format with every rule once, and the lines a rule must NOT take
#: beside it: a subheading right after the byline and role, the paragraph right before the
#: footer, a body paragraph right after the repeated title. Line numbers are the file's.
ARTICLE = """Language : English 中文
Foreign Policy

Opinion | Asia | Security

A Title About Things

Jul 07 , 2016
  • Ann Author

    Professor, Some University

Image credit: Someone

A Subheading Here

First paragraph ends here.

A title about things

Second paragraph is the one before the footer.

You might also like
Back to Top

Ann Author, Ph.D., is an associate professor at Some University in Beijing."""


def _removed(parsed):
    return [(r.line, r.rule, r.text) for r in parsed.removed]


def test_every_boilerplate_rule_takes_its_line_and_nothing_beside_it():
    parsed = parse_text(ARTICLE)
    assert _removed(parsed) == [
        (1, "language_selector", "Language : English 中文"),
        (2, "section_label", "Foreign Policy"),
        (4, "section_label", "Opinion | Asia | Security"),  # a "A | B" path, before any paragraph
        (6, "title", "A Title About Things"),  # the first short line after chrome
        (8, "dateline", "Jul 07 , 2016"),
        (9, "byline", "• Ann Author"),
        (11, "byline_role", "Professor, Some University"),  # only the one line after the byline
        (13, "image_credit", "Image credit: Someone"),
        (19, "repeated_title", "A title about things"),  # the title again, in any case
        (23, "site_footer", "You might also like"),
        (24, "site_footer", "Back to Top"),
        (26, "author_bio", "Ann Author, Ph.D., is an associate professor at Some University in Beijing."),
    ]
    # the neighbours survive: the subheading after the role is a heading (before paragraph 0),
    # the paragraph before the footer and the one after the repeated title are body text
    assert [(h.before, h.text, h.line) for h in parsed.headings] == [(0, "A Subheading Here", 15)]
    assert parsed.paragraphs == ["First paragraph ends here.", "Second paragraph is the one before the footer."]
    # metadata: the dateline's day, the byline's name, the role line split at its first comma
    assert (parsed.title, parsed.date, parsed.date_precision) == ("A Title About Things", "2016-07-07", "day")
    assert (parsed.author, parsed.role, parsed.affiliation) == ("Ann Author", "Professor", "Some University")
    # without header parsing every line is body text, chrome included, and nothing is a heading
    plain = parse_text(ARTICLE, parse_headers=False)
    assert plain.removed == [] and plain.headings == [] and plain.title == ""
    assert plain.paragraphs[:3] == ["Language : English 中文 Foreign Policy", "Opinion | Asia | Security",
                                    "A Title About Things"]
    assert plain.paragraphs[-3:] == ["Second paragraph is the one before the footer.",
                                     "You might also like Back to Top", ARTICLE.splitlines()[-1]]


def test_header_rules_need_site_chrome_first():
    """A plain text keeps its first line; byline, dateline and section paths after the body stay body."""
    parsed = parse_text("A Short Opening Line\n\nBody text here.\n\n• Not A Byline\n\nJul 07 , 2016\n\n"
                        "Opinion | Asia\n")
    assert parsed.removed == [] and parsed.title == "" and parsed.date == ""
    assert parsed.paragraphs == ["Body text here.", "• Not A Byline"]
    # short lines without end punctuation are headings, each before the paragraph count at its place
    assert [(h.before, h.text, h.line) for h in parsed.headings] == [
        (0, "A Short Opening Line", 1), (2, "Jul 07 , 2016", 7), (2, "Opinion | Asia", 9)]


def test_role_is_one_line_and_a_second_short_line_is_a_heading():
    parsed = parse_text("Foreign Policy\n\nTitle\n\n• Ann\n\nRole Line, Univ\n\nSecond Heading Like\n\nBody.")
    assert [(r.line, r.rule) for r in parsed.removed] == [
        (1, "section_label"), (3, "title"), (5, "byline"), (7, "byline_role")]
    assert (parsed.author, parsed.role, parsed.affiliation) == ("Ann", "Role Line", "Univ")
    assert [(h.before, h.text) for h in parsed.headings] == [(0, "Second Heading Like")]
    assert parsed.paragraphs == ["Body."]
    # a role line without a comma is both role and affiliation
    one = parse_text("Foreign Policy\n\nTitle\n\n• Ann\n\nIndependent Scholar\n\nBody.")
    assert (one.role, one.affiliation) == ("Independent Scholar", "Independent Scholar")


def test_title_rule_limits():
    words = lambda n: " ".join(["Word"] * n)  # noqa: E731
    # at most 25 words, no end punctuation, after chrome, and only while no heading was seen
    assert parse_text(f"Foreign Policy\n\n{words(25)}\n\nBody.").title == words(25)
    long = parse_text(f"Foreign Policy\n\n{words(26)}\n\nBody.")
    assert long.title == "" and long.paragraphs == [words(26), "Body."]
    for end in ".,;:":
        stop = parse_text(f"Foreign Policy\n\nTitle ends here{end}\n\nBody.")
        assert stop.title == "" and stop.paragraphs[0] == f"Title ends here{end}"
    # a heading first (an invalid dateline is one): then no title is taken
    late = parse_text("Foreign Policy\n\nFeb 30 , 2016\n\nBody.\n\nA Short Line\n")
    assert late.title == "" and late.date == ""
    assert [(h.before, h.text) for h in late.headings] == [(0, "Feb 30 , 2016"), (1, "A Short Line")]


def test_datelines_chrome_lines_and_credits_in_their_variants():
    def rules(text):
        return [(r.line, r.rule) for r in parse_text(text).removed]

    # "Sept" and full month names, with or without the space before the comma
    assert parse_text("Foreign Policy\n\nSept 5, 2017\n\nBody.").date == "2017-09-05"
    assert parse_text("Foreign Policy\n\nSeptember 5 , 2017\n\nBody.").date == "2017-09-05"
    assert parse_text("Foreign Policy\n\nDec 31 , 2019\n\nBody.").date == "2019-12-31"
    assert rules("Foreign Policy\n\nJan 1, 2019\n\nBody.") == [(1, "section_label"), (3, "dateline")]
    # case-insensitive labels, footers and credits; "Language: English" with any spacing
    assert rules("COMMENTARY\n\nBody.\n\nback to top\n\nPhoto Credit: X\n") == [
        (1, "section_label"), (5, "site_footer"), (7, "image_credit")]
    assert rules("Language: English\n\nBody.") == [(1, "language_selector")]
    # near misses stay text: another language, a credit not at the start, a label inside a sentence
    near = parse_text("Language : French\n\nThe credit: ours.\n\nOpinion pieces vary.\n")
    assert near.removed == [] and near.paragraphs == ["The credit: ours.", "Opinion pieces vary."]
    # a section path only before the first paragraph
    assert rules("Features | Asia\n\nBody.\n\nFeatures | Asia\n") == [(1, "section_label")]


def test_author_bio_at_the_end_up_to_80_words():
    bio = "Bo Chen, is a research fellow at the Institute of Things and Stuff since 2010."
    parsed = parse_text(f"Foreign Policy\n\nBody text here.\n\n{bio}")
    assert _removed(parsed) == [(1, "section_label", "Foreign Policy"), (5, "author_bio", bio)]
    # no byline: the bio gives the name, the role, and the affiliation cut at " in/and/where/since/from "
    assert (parsed.author, parsed.role, parsed.affiliation) == ("Bo Chen", "research fellow", "Institute of Things")
    # a byline's values are kept, not overwritten by the bio's
    kept = parse_text("Foreign Policy\n\nT\n\n• Ann Author\n\nProfessor, Univ A\n\nBody.\n\n" + bio)
    assert (kept.author, kept.role, kept.affiliation) == ("Ann Author", "Professor", "Univ A")
    assert kept.removed[-1].rule == "author_bio"
    # exactly 80 words is a bio; 81 is body text (a long closing paragraph is not a bio)
    eighty = "Bo Chen, is a fellow at Some Institute. " + " ".join(["x"] * 72)
    assert len(eighty.split()) == 80
    assert parse_text(f"Foreign Policy\n\nBody.\n\n{eighty}").removed[-1].rule == "author_bio"
    over = parse_text(f"Foreign Policy\n\nBody.\n\n{eighty} y")
    assert over.paragraphs == ["Body.", f"{eighty} y"] and [r.rule for r in over.removed] == ["section_label"]
    # only after site chrome, and only the last paragraph
    assert parse_text(f"Body.\n\n{eighty}").removed == []
    assert parse_text(f"Foreign Policy\n\n{bio}\n\nBody after it.").paragraphs == [bio, "Body after it."]
    # a bio hard-wrapped after a first line shorter than 40 characters: no line of the file starts with
    # its first 40 characters, so it is reported at the file's last line (line 6 here)
    wrapped = parse_text("Foreign Policy\n\nBody.\n\nBo Chen, is a research fellow\nat the Institute of Things.")
    assert _removed(wrapped) == [(1, "section_label", "Foreign Policy"),
                                 (6, "author_bio", "Bo Chen, is a research fellow at the Institute of Things.")]


def test_headings_and_hard_wrapped_paragraphs():
    words = lambda n: " ".join(["Word"] * n)  # noqa: E731
    parsed = parse_text(f"{words(12)}\n\nBody.\n\n{words(13)}\n\nlower case start\n\nEnds with comma,\n\nMore body.")
    # a heading: one line, 1-12 words, at most 100 characters, capitalised, no end punctuation
    assert [(h.before, h.text, h.line) for h in parsed.headings] == [(0, words(12), 1)]
    assert parsed.paragraphs == ["Body.", words(13), "lower case start", "Ends with comma,", "More body."]
    assert [h.text for h in parse_text("A" * 100 + "\n\nBody.").headings] == ["A" * 100]
    assert parse_text("A" * 101 + "\n\nBody.").paragraphs == ["A" * 101, "Body."]
    # a line ending a sentence (. ! ? : ; closing quote or bracket) ends its paragraph; any other continues
    wrapped = parse_text("one line without end\ncontinues here;\nNext: \nquote ends\u201d\nbracket)\nask?\nlast")
    assert wrapped.paragraphs == ["one line without end continues here;", "Next:", "quote ends\u201d", "bracket)",
                                  "ask?", "last"]
    # non-breaking spaces and runs of blanks are one space
    assert parse_text("a\u00a0\u00a0b   c.").paragraphs == ["a b c."]


# ---------------------------------------------------------------------------
# Bad input: a clear error or warning naming the file
# ---------------------------------------------------------------------------
def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def test_missing_path(tmp_path):
    with pytest.raises(CorpusError, match=r"missing: no such file or folder"):
        load_corpus(tmp_path / "missing")


def test_not_utf8_names_file_and_byte(tmp_path):
    _write(tmp_path / "ok.txt", "fine\n")
    _write(tmp_path / "latin.txt", "caf\xe9 au lait\n".encode("latin-1"))
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    msg = str(info.value)
    assert "latin.txt: not valid UTF-8 at byte offset 3 (line 1" in msg
    assert "iconv" in msg


def test_binary_file_with_txt_name(tmp_path):
    _write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CorpusError, match=r"image.txt: NUL byte at byte offset 8"):
        load_corpus(tmp_path)


def test_sidecar_without_link_column(tmp_path):
    _write(tmp_path / "a.txt", "Text.\n")
    _write(tmp_path / "metadata.csv", "name,author\na.txt,X\n")
    with pytest.raises(MetadataError, match=r"needs a 'file' column .* or a 'doc_id' column"):
        load_corpus(tmp_path)


def test_sidecar_bad_date_names_row_and_value(tmp_path):
    _write(tmp_path / "a.txt", "Text.\n")
    _write(tmp_path / "b.txt", "More text.\n")
    _write(tmp_path / "metadata.csv", "doc_id,date\na,2019-01-02\nb,June 2018\n")
    with pytest.raises(MetadataError, match=r"metadata.csv, line 3: date 'June 2018' is not a valid ISO date"):
        load_corpus(tmp_path)


def test_sidecar_unknown_precision(tmp_path):
    _write(tmp_path / "a.txt", "Text.\n")
    _write(tmp_path / "metadata.csv", "doc_id,date,date_precision\na,2019,decade\n")
    with pytest.raises(MetadataError, match=r"line 2: date_precision 'decade' is not one of"):
        load_corpus(tmp_path)


def test_sidecar_row_for_missing_file_and_duplicate_ids(tmp_path):
    _write(tmp_path / "a.txt", "Text.\n")
    _write(tmp_path / "metadata.csv", "file,author\na.txt,X\nnope.txt,Y\n")
    with pytest.raises(MetadataError, match=r"line 3: file 'nope.txt' does not exist"):
        load_corpus(tmp_path)
    _write(tmp_path / "metadata.csv", "doc_id,author\na,X\na,Y\n")
    with pytest.raises(MetadataError, match=r"line 3: duplicate entry for 'a' \(first on line 2\)"):
        load_corpus(tmp_path)


def test_sidecar_with_bom_in_header(tmp_path):
    _write(tmp_path / "a.txt", "Text.\n")
    _write(tmp_path / "metadata.csv", b"\xef\xbb\xbfdoc_id,author\r\na,X\r\n")
    assert load_corpus(tmp_path)[0].author == "X"


def test_empty_and_boilerplate_only_files_are_skipped_with_warning(tmp_path):
    _write(tmp_path / "a.txt", "Real text.\n")
    _write(tmp_path / "empty.txt", "")
    _write(tmp_path / "blank.txt", "  \n\n\t\n")
    _write(tmp_path / "chrome.txt", "You might also like\nBack to Top\n")
    with pytest.warns(CorpusWarning, match=r"skipped 3 document\(s\) with no body text"):
        corpus = load_corpus(tmp_path)
    assert corpus.doc_ids == ["a"]
    assert corpus.skipped.to_dict("records") == [
        {"source": "blank.txt", "reason": "empty"},
        {"source": "chrome.txt", "reason": "only headings or boilerplate"},
        {"source": "empty.txt", "reason": "empty"},
    ]


def test_duplicate_texts_warn(tmp_path):
    _write(tmp_path / "a.txt", "Same words here.\n")
    _write(tmp_path / "b.txt", "Same words here.\n")
    with pytest.warns(CorpusWarning, match=r"1 document\(s\) have the same text as another: a = b"):
        corpus = load_corpus(tmp_path)
    assert len(corpus) == 2


def test_duplicate_doc_ids_across_subfolders(tmp_path):
    _write(tmp_path / "x" / "a.txt", "One.\n")
    _write(tmp_path / "y" / "a.txt", "Two.\n")
    with pytest.raises(CorpusError, match=r"both give doc_id 'a'.*doc_ids='path'"):
        load_corpus(tmp_path)
    assert load_corpus(tmp_path, doc_ids="path").doc_ids == ["x/a", "y/a"]


def test_table_missing_text_column(tmp_path):
    path = _write(tmp_path / "t.csv", "id,content\n1,hello\n")
    with pytest.raises(MetadataError, match=r"t.csv: no text column 'text'; columns are \['content', 'id'\]"):
        load_corpus(path)


def test_loading_never_writes_into_the_corpus(tmp_path):
    corpus_dir = tmp_path / "c"
    shutil.copytree(TINY, corpus_dir)
    def snapshot():
        return {
            p: (p.stat().st_mtime_ns, p.read_bytes() if p.is_file() else None)
            for p in sorted(corpus_dir.rglob("*"))
        }

    before = snapshot()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the fixture loads cleanly
        load_corpus(corpus_dir).to_frame()
    after = snapshot()
    assert before == after


#: SHA-256 of the five original articles as distributed (``sha256sum shared/seeds/*.txt``,
#: taken 2026-12 from the shared folder the seeds were copied from). The repository carries
#: them so that the check runs in any clone, with or without that folder beside it.
SEED_SHA256 = {
    "000_c01ebfe935f334d0.txt": "0ed7faaa8063ad8ca20061de58a3261297c9450c57c168af0d53eec1daf175d5",
    "001_7bf913d7a1c1c461.txt": "0901e2ff69476fdabf1dd9351335babc7a97a321431fcc1f4c6ea63e276b267a",
    "002_ef45ccff1751e502.txt": "5632041a12dcfa48b7be8bad7aa35635160eed12a07ec5f4ed890159cf900d53",
    "003_5eb096638f5dd82a.txt": "237655b0a959eea5fce2f485a82445367208122161a5954235eb81d60d4f7c07",
    "004_ad5c8b53a7d15ffe.txt": "e9b6bc66f0dd6eeabe95a9a42d8e81a8b6ac95ffe231e4c0660a71d1288cf24e",
}


def test_seeds_are_byte_identical_to_the_original_articles():
    """seeds/ holds exactly the five originals, unchanged (raw data is immutable)."""
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(SEEDS.glob("*.txt"))}
    assert found == SEED_SHA256


def test_hard_wrapped_lines_join_into_paragraphs(tmp_path):
    # Shaped like the UN General Debate files: wrapped mid-sentence, no blank lines.
    _write(
        tmp_path / "w.txt",
        "On behalf of the \nGovernment and people of the Bahamas, I congratulate you, \nSir.\n"
        "The Bahamas commends the Secretary-General.\nThank you\n",
    )
    doc = load_corpus(tmp_path)[0]
    assert doc.paragraphs == (
        "On behalf of the Government and people of the Bahamas, I congratulate you, Sir.",
        "The Bahamas commends the Secretary-General.",
    )
    # a short closing line without punctuation, on its own, is a heading
    assert [h.text for h in doc.headings] == ["Thank you"]


def test_files_without_a_sidecar_row_are_skipped_and_reported(tmp_path):
    _write(tmp_path / "a.txt", "Text.\n")
    _write(tmp_path / "README.txt", "About this dataset.\n")
    _write(tmp_path / "metadata.csv", "file,author\na.txt,X\n")
    with pytest.warns(CorpusWarning, match=r"1 of 2 .txt files have no metadata row and are skipped"):
        corpus = load_corpus(tmp_path)
    assert corpus.doc_ids == ["a"]
    assert corpus.skipped.to_dict("records") == [{"source": "README.txt", "reason": "no row in the metadata sidecar"}]


# ---------------------------------------------------------------------------
# Every input file gets the same checks (issue: never lose a file, never mislabel)
# ---------------------------------------------------------------------------
def _tiny_folder(root, sidecar_text=None):
    root.mkdir(parents=True, exist_ok=True)
    (root / "a.txt").write_text("The first document says something.\n", encoding="utf-8")
    if sidecar_text is not None:
        (root / "metadata.csv").write_text(sidecar_text, encoding="utf-8")
    return root


def test_sidecar_symlinked_outside_the_corpus_is_refused_without_reading_it(tmp_path):
    root = _tiny_folder(tmp_path / "corpus")
    secret = tmp_path / "elsewhere.csv"
    secret.write_text("file,password\na.txt,hunter2\n", encoding="utf-8")
    (root / "metadata.csv").symlink_to(secret)
    with pytest.raises(MetadataError) as err:
        load_corpus(root)
    assert str(err.value) == (
        f"{root / 'metadata.csv'}: the metadata sidecar is a link to {secret}, outside the corpus folder "
        f"{root}; it is not read. Copy the file into the corpus folder, or pass its path explicitly "
        f"(metadata=PATH)."
    )
    assert "hunter2" not in str(err.value)
    # the researcher can still say they mean it
    assert load_corpus(root, follow_symlinks=True)["a"].meta["password"] == "hunter2"
    assert load_corpus(root, metadata=secret)["a"].meta["password"] == "hunter2"


def test_sidecar_symlinked_inside_the_corpus_is_read(tmp_path):
    root = _tiny_folder(tmp_path / "corpus")
    (root / "meta").mkdir()
    (root / "meta" / "real.csv").write_text("file,author\na.txt,Ann\n", encoding="utf-8")
    (root / "metadata.csv").symlink_to(root / "meta" / "real.csv")
    assert load_corpus(root)["a"].author == "Ann"


@pytest.mark.timeout(20)
def test_sidecar_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    root = _tiny_folder(tmp_path / "corpus")
    os.mkfifo(root / "metadata.csv")
    with pytest.raises(MetadataError, match=r"metadata\.csv: not a regular file \(a FIFO, socket or device\)"):
        load_corpus(root)


@pytest.mark.timeout(20)
def test_sidecar_linked_to_a_device_is_refused_before_reading(tmp_path):
    root = _tiny_folder(tmp_path / "corpus")
    (root / "metadata.csv").symlink_to("/dev/zero")
    with pytest.raises(MetadataError, match="outside the corpus folder"):
        load_corpus(root)
    with pytest.raises(MetadataError, match=r"not a regular file \(a FIFO, socket or device\)"):
        load_corpus(root, follow_symlinks=True)


def test_files_over_the_size_limit_are_refused_on_both_sides_of_the_limit(tmp_path, monkeypatch):
    from corpus_tools import config

    root = _tiny_folder(tmp_path / "corpus", "file,author\na.txt,Ann\n")
    size = (root / "a.txt").stat().st_size
    monkeypatch.setattr(config, "MAX_FILE_BYTES", size)  # exactly at the limit: read
    assert load_corpus(root, metadata=False)["a"].paragraphs == ("The first document says something.",)
    monkeypatch.setattr(config, "MAX_FILE_BYTES", size - 1)  # one byte over: refused
    with pytest.raises(CorpusError) as err:
        load_corpus(root, metadata=False)
    assert str(err.value).startswith(f"{root / 'a.txt'}: {size:,} bytes, more than the {size - 1:,} a corpus file may have.")


@pytest.mark.parametrize("written", ["./a.txt", "a.txt", "sub/../a.txt", ".//a.txt"])
def test_sidecar_paths_name_the_same_file_however_written(tmp_path, written):
    root = _tiny_folder(tmp_path / "corpus", f"file,author\n{written},Ann\n")
    assert load_corpus(root)["a"].author == "Ann"


def test_docs_csv_and_figure_csvs_neutralise_formula_cells(tmp_path, capsys):
    from corpus_tools.io import csv_bytes, spreadsheet_safe

    root = _tiny_folder(tmp_path / "corpus", "file,author,outlet\na.txt,=HYPERLINK(\"http://x\"),@SUM(A1)\n")
    assert cli_main(["docs", str(root), "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    # CSV quotes the cell (it holds quotes); a spreadsheet reads it as the text '=HYPERLINK("http://x")
    assert out[1] == "a,,\"'=HYPERLINK(\"\"http://x\"\")\",,'@SUM(A1),,,1,5"
    frame = pd.DataFrame({"term": ["-x", "+y", "\tz", "ok", "=1+1"], "z": [-1.5, 2.0, -0.25, 0.0, 3.0]})
    safe = spreadsheet_safe(frame)
    assert safe["term"].tolist() == ["'-x", "'+y", "'\tz", "ok", "'=1+1"]
    assert safe["z"].tolist() == [-1.5, 2.0, -0.25, 0.0, 3.0]  # numbers stay numbers
    assert csv_bytes(frame).decode().splitlines()[1] == "'-x,-1.5"
