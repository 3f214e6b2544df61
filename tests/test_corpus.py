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
from corpus_tools.corpus import date_in_range, date_interval, date_position, parse_date

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


def test_dates():
    assert parse_date("2018-6") == ("2018-06", "month")
    assert parse_date("1970.0") == ("1970", "year")
    assert parse_date("") == ("", "")
    assert date_position("2018-06", "month") == pd.Timestamp("2018-06-15")
    assert date_position("2019", "year") == pd.Timestamp("2019-07-01")
    assert date_interval("2018-06", "month") == (pd.Timestamp("2018-06-01"), pd.Timestamp("2018-06-30"))
    assert date_interval("2016-02", "month")[1] == pd.Timestamp("2016-02-29")  # leap year
    assert date_interval("2019", "year") == (pd.Timestamp("2019-01-01"), pd.Timestamp("2019-12-31"))
    assert date_interval("2017-03-05", "day") == (pd.Timestamp("2017-03-05"),) * 2
    # prefix rule: a coarse date is in any range its interval touches
    assert date_in_range("2019", "2019-06", "2019-12")
    assert date_in_range("2018-06", "2018-06-09", "")
    assert not date_in_range("2018-05-31", "2018-06", "")
    assert not date_in_range("2020", "", "2019-12-31")
    assert not date_in_range("", "", "")
    for bad in ("2019-13-45", "June 2018", "2019-02-30", "18-06"):
        with pytest.raises(MetadataError, match="not a valid ISO date"):
            parse_date(bad, where="metadata.csv, line 3")


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
