"""Bad corpora: every case gets a message naming the file and what to do, or a tested recovery.

The cases follow issue 9's list. Cases already pinned in ``tests/test_corpus.py``
(Latin-1 text, a PNG named .txt, a sidecar without a link column, "June 2018",
an unknown precision, a row for a missing file, duplicate sidecar ids, a BOM
in the sidecar header, empty / blank / chrome-only files beside real ones,
two identical texts, a missing CSV text column, loading never writes) are not
repeated here. Errors are compared as whole strings, so a vaguer message
fails the test. Large and odd inputs are generated in ``tmp_path``.

At the end, hypothesis feeds arbitrary bytes and text to the loader and the
tokenizer, each input with what it must give: the decoding error its bytes
call for (which file, which byte), the error a sidecar or table row calls for
(which line), or a loaded corpus in which every word of every text is a body
paragraph, a heading or a removed line. Valid inputs (a body line first, a
sidecar written by the csv module) must load.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import time
import warnings
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus_tools import CorpusError, CorpusToolsError, CorpusWarning, MetadataError, load_corpus
from corpus_tools.cli import main as cli_main
from corpus_tools.describe import token_summary
from corpus_tools.tokens import tokenize

PACKAGE = Path(__file__).resolve().parents[1] / "corpus_tools"


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def _write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _load(path, **options):
    """``load_corpus`` with its warnings recorded: ``(corpus, [messages])``.

    Only CorpusWarning may escape the loader (a pandas ParserWarning would
    mean a raw library message reached the researcher).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        corpus = load_corpus(path, **options)
    assert [w.category for w in caught if not issubclass(w.category, CorpusWarning)] == []
    return corpus, [str(w.message) for w in caught]


def _error(path, **options) -> CorpusToolsError:
    """The project error ``load_corpus`` raises (warnings before it are ignored)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(CorpusToolsError) as info:
            load_corpus(path, **options)
    return info.value


# ---------------------------------------------------------------------------
# Encodings: UTF-16 without a BOM, UTF-16 with one, BOM + CRLF mixtures
# ---------------------------------------------------------------------------
def test_utf16_without_bom_is_refused_naming_the_nul_byte(tmp_path):
    f = _write(tmp_path / "speech.txt", "Hello world.\n".encode("utf-16-le"))
    err = _error(tmp_path)
    assert type(err) is CorpusError
    # "H\x00e\x00…": the first NUL is byte 1
    assert str(err) == (
        f"{f}: NUL byte at byte offset 1; this looks like a binary file or UTF-16 text "
        f"without a byte-order mark, not UTF-8 text. Re-save it as UTF-8 or move it out "
        f"of the corpus folder."
    )


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_decoded(tmp_path, codec):
    bom = "\ufeff".encode(codec)
    _write(tmp_path / "a.txt", bom + "Первый абзац.\r\n\r\nSecond paragraph.\r\n".encode(codec))
    corpus, warned = _load(tmp_path)
    assert corpus["a"].paragraphs == ("Первый абзац.", "Second paragraph.")
    assert warned == []


def test_utf16_bom_with_invalid_body(tmp_path):
    # a BOM, then a lone high surrogate (D800) followed by "A": not UTF-16
    f = _write(tmp_path / "a.txt", b"\xff\xfe" + b"\x00\xd8A\x00")
    err = _error(tmp_path)
    assert str(err) == (
        f"{f}: starts with a UTF-16 byte-order mark but is not valid UTF-16 (byte 2). "
        f"Re-save it as UTF-8."
    )


def test_windows_1252_quote_names_line_and_byte(tmp_path):
    f = _write(tmp_path / "a.txt", b"First line.\nSecond line.\nHe said \x93no\x94.\n")
    err = _error(tmp_path)
    # offset: 12 + 13 bytes for the first two lines + len("He said ") = 33
    assert str(err) == (
        f"{f}: not valid UTF-8 at byte offset 33 (line 3, byte b'\\x93'). Expected UTF-8 "
        f"text; if the file is Latin-1 or Windows-1252, convert it, e.g. `iconv -f latin1 "
        f"-t utf-8`."
    )


def test_byte_offsets_count_a_utf8_byte_order_mark(tmp_path):
    # the offset names the byte in the file, where an editor or `xxd` shows it:
    # 3 BOM bytes + "ab" put the NUL at byte 5 (not 2, its place after the BOM)
    f = _write(tmp_path / "a.txt", b"\xef\xbb\xbfab\x00cd")
    assert str(_error(tmp_path)).startswith(f"{f}: NUL byte at byte offset 5;")
    # 3 + "ab\ncd" = 8 for the Latin-1 e-acute on line 2
    _write(tmp_path / "a.txt", b"\xef\xbb\xbfab\ncd\xe9")
    assert str(_error(tmp_path)).startswith(f"{f}: not valid UTF-8 at byte offset 8 (line 2, byte b'\\xe9').")


def test_bom_crlf_cr_and_stray_boms_from_concatenated_files(tmp_path):
    # two Windows files concatenated (each with its BOM), then an old-Mac CR ending
    data = (
        b"\xef\xbb\xbfFirst file, first paragraph.\r\n\r\n"
        b"\xef\xbb\xbfSecond file starts here.\r\nIt goes on.\rA Mac line.\n"
    )
    _write(tmp_path / "joined.txt", data)
    corpus, warned = _load(tmp_path)
    assert corpus["joined"].paragraphs == (
        "First file, first paragraph.",
        "Second file starts here.",
        "It goes on.",
        "A Mac line.",
    )
    assert "\ufeff" not in corpus["joined"].text and "\r" not in corpus["joined"].text
    assert warned == []


def test_same_text_with_bom_and_crlf_is_found_as_duplicate(tmp_path):
    _write(tmp_path / "a.txt", "One paragraph.\n\nTwo paragraphs.\n")
    _write(tmp_path / "copy" / "a_windows.txt", b"\xef\xbb\xbfOne paragraph.\r\n\r\nTwo paragraphs.\r\n")
    corpus, warned = _load(tmp_path)
    assert corpus.doc_ids == ["a", "a_windows"]  # both kept
    assert warned == [
        "1 document(s) have the same text as another: a = a_windows. They are kept; "
        "remove duplicates if they are not intended."
    ]


def test_csv_table_with_bom_crlf_and_multiline_cells(tmp_path):
    f = _write(
        tmp_path / "t.csv",
        b'\xef\xbb\xbfid,text,year\r\nd1,"Line one.\r\n\r\nLine two, with a comma.",2001\r\n',
    )
    corpus, _ = _load(f, columns={"date": "year"})
    assert corpus["d1"].paragraphs == ("Line one.", "Line two, with a comma.")
    assert corpus["d1"].date == "2001"


# ---------------------------------------------------------------------------
# NUL bytes, binary files, empty / whitespace / boilerplate-only corpora
# ---------------------------------------------------------------------------
def test_gzip_named_txt(tmp_path):
    import gzip

    f = _write(tmp_path / "archive.txt", gzip.compress(b"hello", mtime=0))
    err = _error(tmp_path)
    # gzip header 1f 8b 08 00: the NUL is byte 3
    assert str(err).startswith(f"{f}: NUL byte at byte offset 3; this looks like a binary file")


def test_corpus_of_only_empty_and_whitespace_files(tmp_path):
    _write(tmp_path / "a.txt", b"")
    _write(tmp_path / "b.txt", b" \t\r\n\r\n\xc2\xa0\n")  # a no-break space is whitespace too
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(CorpusError) as info:
            load_corpus(tmp_path)
    assert str(info.value) == (
        f"{tmp_path}: every file was skipped (empty: 2); there is nothing to analyse. "
        f"See the warnings above for each file."
    )
    assert [str(w.message) for w in caught] == [
        f"{tmp_path}: skipped 2 document(s) with no body text: a.txt (empty); b.txt (empty). "
        f"See Corpus.skipped."
    ]


def test_corpus_of_only_boilerplate(tmp_path):
    _write(tmp_path / "chrome.txt", "Foreign Policy\nYou might also like\nBack to Top\n")
    err = _error(tmp_path)
    assert str(err) == (
        f"{tmp_path}: every file was skipped (only headings or boilerplate: 1); there is "
        f"nothing to analyse. See the warnings above for each file."
    )


def test_folder_without_txt_files(tmp_path):
    _write(tmp_path / "page.html", "<p>Hello.</p>")
    _write(tmp_path / "notes.TXT.bak", "Hello.")
    err = _error(tmp_path)
    assert str(err) == (
        f"{tmp_path}: no .txt files found (searched recursively). Put one document per "
        f".txt file in the folder, or load a .csv/.jsonl table instead."
    )


def test_a_single_txt_file_is_not_a_corpus(tmp_path):
    f = _write(tmp_path / "one.txt", "Text.\n")
    assert str(_error(f)) == (
        f"{f}: not a folder, .csv, .tsv or .jsonl file. Point load_corpus at a folder of "
        f".txt files (with an optional metadata.csv) or at a table with one document per row."
    )


# ---------------------------------------------------------------------------
# Size: one 50 MB line, 10,000 tiny files
# ---------------------------------------------------------------------------
def test_one_50_mb_line_without_newline_is_kept_whole_with_a_warning(tmp_path):
    unit = "alpha beta gamma delta epsilon "  # 31 characters, 5 words
    n = 50_000_000 // len(unit)  # 1,612,903 repetitions: 49,999,993 bytes
    _write(tmp_path / "big.txt", (unit * n).encode())
    _write(tmp_path / "small.txt", "A normal document.\n")
    t0 = time.perf_counter()
    corpus, warned = _load(tmp_path)
    seconds = time.perf_counter() - t0
    big = corpus["big"]
    assert len(big.paragraphs) == 1 and big.n_words == 5 * n
    assert len(big.paragraphs[0]) == len(unit) * n - 1  # the trailing space is stripped
    assert warned == [
        f"big.txt: one paragraph is {len(unit) * n - 1:,} characters long (no line breaks); "
        f"it is kept whole, so paragraph-level analyses see it as one unit. Put line breaks "
        f"between the paragraphs if the source has them."
    ]
    assert seconds < 20, f"loading 50 MB took {seconds:.1f} s"  # ~1 s here


def test_ten_thousand_tiny_files_with_a_sidecar(tmp_path):
    n = 10_000
    rows = ["file,author,date"]
    for i in range(n):
        sub = f"batch{i // 1000:02d}"
        _write(tmp_path / sub / f"d{i:05d}.txt", f"Document {i} says hello.\n")
        rows.append(f"{sub}/d{i:05d}.txt,Author {i % 7},{2000 + i % 20}")
    _write(tmp_path / "metadata.csv", "\n".join(rows) + "\n")
    t0 = time.perf_counter()
    corpus, warned = _load(tmp_path)
    seconds = time.perf_counter() - t0
    assert len(corpus) == n and warned == []
    assert corpus.doc_ids[:2] == ["d00000", "d00001"] and corpus.doc_ids[-1] == "d09999"
    d = corpus["d01234"]
    assert (d.author, d.date, d.paragraphs) == ("Author 2", "2014", ("Document 1234 says hello.",))
    assert seconds < 20, f"loading 10,000 files took {seconds:.1f} s"  # ~0.6 s here


# ---------------------------------------------------------------------------
# Duplicates
# ---------------------------------------------------------------------------
def test_many_duplicate_texts_are_counted_and_kept(tmp_path):
    for i in range(12):
        _write(tmp_path / f"copy{i:02d}.txt", "The same scraped page.\n")
    corpus, warned = _load(tmp_path)
    assert len(corpus) == 12
    (msg,) = warned
    assert msg.startswith("11 document(s) have the same text as another: copy00 = copy01, ")
    assert msg.count(" = ") == 10  # the first ten pairs are listed


# ---------------------------------------------------------------------------
# Symlinks, special files, file names
# ---------------------------------------------------------------------------
@pytest.fixture
def outside(tmp_path):
    """A folder beside the corpus with a text and a sub-folder of texts."""
    out = tmp_path / "outside"
    _write(out / "secret.txt", "Text from outside the corpus.\n")
    _write(out / "more" / "x.txt", "Another outside text.\n")
    return out


def test_symlink_to_a_file_outside_is_skipped_and_reported(tmp_path, outside):
    root = tmp_path / "corpus"
    _write(root / "a.txt", "Inside.\n")
    (root / "link.txt").symlink_to(outside / "secret.txt")
    corpus, warned = _load(root)
    assert corpus.doc_ids == ["a"]
    assert warned == [
        f"{root / 'link.txt'}: symlink to {outside / 'secret.txt'}, outside the corpus folder; "
        f"not followed. Copy the file in, or pass follow_symlinks=True."
    ]
    assert corpus.skipped.to_dict("records") == [
        {"source": "link.txt", "reason": f"symlink outside the corpus folder ({outside / 'secret.txt'})"}
    ]
    followed, _ = _load(root, follow_symlinks=True)
    assert followed.doc_ids == ["a", "link"]
    assert followed["link"].paragraphs == ("Text from outside the corpus.",)


def test_symlink_to_a_folder_outside_is_skipped_and_reported(tmp_path, outside):
    root = tmp_path / "corpus"
    _write(root / "a.txt", "Inside.\n")
    (root / "linked").symlink_to(outside)
    corpus, warned = _load(root)
    assert corpus.doc_ids == ["a"]
    assert warned == [
        f"{root / 'linked'}: symlink to {outside}, outside the corpus folder; not followed. "
        f"Copy the folder in, or pass follow_symlinks=True."
    ]
    followed, _ = _load(root, follow_symlinks=True)
    assert followed.doc_ids == ["a", "x", "secret"]  # sorted by path: linked/more/x, linked/secret


def test_symlink_loop_ends_when_following(tmp_path, outside):
    root = tmp_path / "corpus"
    _write(root / "a.txt", "Inside.\n")
    (root / "linked").symlink_to(outside)
    (outside / "more" / "back").symlink_to(outside)  # outside/more/back -> outside: a loop
    followed, _ = _load(root, follow_symlinks=True)
    assert followed.doc_ids == ["a", "x", "secret"]


def test_symlink_to_a_folder_inside_is_not_read_twice(tmp_path):
    _write(tmp_path / "real" / "a.txt", "Inside.\n")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    corpus, warned = _load(tmp_path)
    assert corpus.doc_ids == ["a"]
    assert warned == [
        f"{tmp_path / 'alias'}: symlink to {tmp_path / 'real'}, a folder inside the corpus "
        f"folder; not entered (its files are read there)."
    ]


def test_broken_symlink_is_skipped_and_reported(tmp_path):
    _write(tmp_path / "a.txt", "Inside.\n")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    corpus, warned = _load(tmp_path)
    assert corpus.doc_ids == ["a"]
    assert warned == [
        f"{tmp_path / 'gone.txt'}: symlink to {tmp_path / 'deleted.txt'}, which does not "
        f"exist; skipped. Restore the target or delete the link."
    ]


def test_fifo_named_txt_is_skipped_not_read(tmp_path):
    # reading a FIFO with no writer would block the loader forever
    _write(tmp_path / "a.txt", "Inside.\n")
    os.mkfifo(tmp_path / "pipe.txt")
    corpus, warned = _load(tmp_path)
    assert corpus.doc_ids == ["a"]
    assert warned == [
        f"{tmp_path / 'pipe.txt'}: not a regular file (a FIFO, socket or device named .txt); "
        f"skipped. Move it out of the corpus folder."
    ]
    assert corpus.skipped.to_dict("records") == [{"source": "pipe.txt", "reason": "not a regular file"}]


def test_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 name from an old zip archive
    _write(tmp_path / name, "Text.\n")
    err = _error(tmp_path)
    assert str(err) == (
        f"{os.fsencode(tmp_path / name)!r}: the file name is not valid UTF-8 (perhaps Latin-1 "
        f"from an old archive). Rename the file, e.g. `convmv -f latin1 -t utf-8 --notest -r "
        f"FOLDER`."
    )
    str(err).encode("utf-8")  # the message itself prints anywhere


# ---------------------------------------------------------------------------
# Permissions. Tests run as root in CI, and root reads any file whatever its
# mode, so the effective uid drops to "nobody" around the load: chmod 000
# then denies the read for real (no monkeypatching).
# ---------------------------------------------------------------------------
@pytest.fixture
def open_dir():
    """A folder every user can enter (pytest's tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="corpus-tools-perm-"))
    d.chmod(0o755)
    yield d
    for p in [d, *d.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(d)


@contextlib.contextmanager
def _unprivileged():
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def _error_unprivileged(path, **options) -> CorpusToolsError:
    _load(Path(__file__).parent / "fixtures" / "tiny")  # import lazily loaded modules first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with _unprivileged(), pytest.raises(CorpusToolsError) as info:
            load_corpus(path, **options)
    return info.value


def test_unreadable_file(open_dir):
    _write(open_dir / "a.txt", "Readable.\n")
    f = _write(open_dir / "locked.txt", "Not readable.\n")
    f.chmod(0)
    err = _error_unprivileged(open_dir)
    assert type(err) is CorpusError
    assert str(err) == (
        f"{f}: permission denied. Make the file readable (chmod a+r) or move it out of the "
        f"corpus folder."
    )


def test_unreadable_subfolder(open_dir):
    _write(open_dir / "a.txt", "Readable.\n")
    _write(open_dir / "private" / "b.txt", "Hidden.\n")
    (open_dir / "private").chmod(0)
    err = _error_unprivileged(open_dir)
    assert str(err) == (
        f"{open_dir / 'private'}: the folder cannot be read (Permission denied). Make it "
        f"readable (chmod a+rx) or move it out of the corpus folder."
    )


def test_unreadable_sidecar_and_table(open_dir):
    _write(open_dir / "c" / "a.txt", "Readable.\n")
    side = _write(open_dir / "c" / "metadata.csv", "doc_id,author\na,X\n")
    side.chmod(0)
    err = _error_unprivileged(open_dir / "c")
    assert type(err) is MetadataError
    assert str(err) == (
        f"{side}: permission denied. Make the file readable (chmod a+r) or move it out of the "
        f"corpus folder."
    )
    table = _write(open_dir / "t.jsonl", '{"text": "x"}\n')
    table.chmod(0)
    assert str(_error_unprivileged(table)).startswith(f"{table}: permission denied.")


# ---------------------------------------------------------------------------
# metadata.csv problems not already in test_corpus.py
# ---------------------------------------------------------------------------
def _sidecar_corpus(tmp_path: Path, sidecar: str | bytes) -> Path:
    _write(tmp_path / "a.txt", "Text of a.\n")
    _write(tmp_path / "b.txt", "Text of b.\n")
    _write(tmp_path / "metadata.csv", sidecar)
    return tmp_path / "metadata.csv"


def test_sidecar_impossible_date_names_line(tmp_path):
    side = _sidecar_corpus(tmp_path, "doc_id,date\na,2019-01-02\nb,2019-13-45\n")
    err = _error(tmp_path)
    assert type(err) is MetadataError
    assert str(err) == (
        f"{side}, line 3: date '2019-13-45' is not a valid ISO date. Expected YYYY-MM-DD, "
        f"YYYY-MM or YYYY (for example 2018-06 for 'June 2018', with date_precision 'month'); "
        f"fix the value or leave it empty."
    )


def test_sidecar_precision_finer_than_the_date(tmp_path):
    side = _sidecar_corpus(tmp_path, "doc_id,date,date_precision\na,2019,year\nb,2019,day\n")
    assert str(_error(tmp_path)) == (
        f"{side}, line 3: date_precision 'day' is finer than the date '2019' allows; use "
        f"'year' or give a fuller date."
    )


def test_sidecar_duplicate_via_file_and_extension_less_name(tmp_path):
    side = _sidecar_corpus(tmp_path, "file,author\na.txt,X\nb.txt,Y\na,Z\n")
    assert str(_error(tmp_path)) == (
        f"{side}, line 4: duplicate entry for 'a' (first on line 2). Each document needs "
        f"exactly one row."
    )


def test_sidecar_row_with_extra_cells_is_refused_not_shifted(tmp_path):
    # pandas would take "a,X" as an index and read doc_id='extra', author='more'
    side = _sidecar_corpus(tmp_path, "doc_id,author\na,X,extra,more\nb,Y\n")
    err = _error(tmp_path)
    assert type(err) is MetadataError
    assert str(err) == (
        f"{side}, line 2: 4 cells but the header has 2 columns. Quote values that contain "
        f"',', or add the missing column names to the header."
    )


def test_sidecar_unquoted_comma_in_a_later_row(tmp_path):
    # a multi-line quoted note first, so the physical line (4) differs from the row (3)
    side = _sidecar_corpus(tmp_path, 'doc_id,author\na,"X\nY"\nb,Smith, John\n')
    assert str(_error(tmp_path)) == (
        f"{side}, line 4: 3 cells but the header has 2 columns. Quote values that contain "
        f"',', or add the missing column names to the header."
    )


@pytest.mark.parametrize(
    "sidecar",
    ["doc_id,author\na,X,\nb,Y,\n", "doc_id,author\na,X\nb,Y,,\n"],
    ids=["every-row", "a-later-row"],
)
def test_sidecar_trailing_commas_are_ignored(tmp_path, sidecar):
    # spreadsheets write "a,X," - pandas alone would shift it to doc_id='X'
    side = _sidecar_corpus(tmp_path, sidecar)
    corpus, warned = _load(tmp_path)
    assert [(d.doc_id, d.author) for d in corpus] == [("a", "X"), ("b", "Y")]
    assert warned == [
        f"{side}: some rows end with empty cells beyond the header's 2 columns (a trailing "
        f"','); they are ignored."
    ]


def test_sidecar_nameless_empty_column_is_dropped(tmp_path):
    _sidecar_corpus(tmp_path, "doc_id,author,\na,X,\nb,Y,\n")
    corpus, warned = _load(tmp_path)
    assert list(corpus.to_frame().columns) == [
        "doc_id", "title", "author", "affiliation", "outlet", "date", "date_precision",
        "n_paragraphs", "n_words",
    ]
    assert warned == []


def test_sidecar_short_rows_are_padded_with_empty_values(tmp_path):
    _sidecar_corpus(tmp_path, "doc_id,author,date\na\nb,Y\n")
    corpus, warned = _load(tmp_path)
    assert [(d.doc_id, d.author, d.date) for d in corpus] == [("a", "", ""), ("b", "Y", "")]
    assert warned == []


def test_sidecar_duplicate_column_names(tmp_path):
    side = _sidecar_corpus(tmp_path, "doc_id,author,author\na,X,Y\nb,Z,W\n")
    assert str(_error(tmp_path)) == (
        f"{side}: the header repeats column name(s) ['author']; each column needs its own name."
    )


def test_sidecar_mapped_column_that_does_not_exist(tmp_path):
    side = _sidecar_corpus(tmp_path, "doc_id,author,year\na,X,2001\nb,Y,2002\n")
    err = _error(tmp_path, columns={"date": "Year"})
    assert type(err) is MetadataError
    assert str(err) == (
        f"{side}: no column 'Year' (given as the date column); columns are ['doc_id', "
        f"'author', 'year']. Fix the name in columns={{'date': ...}}."
    )


def test_sidecar_empty_file_unterminated_quote_and_not_utf8(tmp_path):
    side = _sidecar_corpus(tmp_path, "")
    assert str(_error(tmp_path)) == (
        f"{side}: cannot be read as CSV (No columns to parse from file). Expected a header "
        f"row and one row per document, comma-separated, with quotes around values that "
        f"contain commas."
    )
    _write(side, 'doc_id,author\na,"X\nb,Y\n')
    assert str(_error(tmp_path)).startswith(f"{side}: cannot be read as CSV (EOF inside string")
    _write(side, "doc_id,author\na,Jos\xe9\n".encode("latin-1"))
    assert type(_error(tmp_path)) is MetadataError  # a sidecar's errors are metadata errors, decoding too
    assert str(_error(tmp_path)) == (
        f"{side}: not valid UTF-8 at byte offset 19 (line 2, byte b'\\xe9'). Expected UTF-8 "
        f"text; if the file is Latin-1 or Windows-1252, convert it, e.g. `iconv -f latin1 -t "
        f"utf-8`."
    )


def test_sidecar_with_header_only_skips_every_file(tmp_path):
    side = _sidecar_corpus(tmp_path, "doc_id,author\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(CorpusError) as info:
            load_corpus(tmp_path)
    assert str(info.value) == (
        f"{tmp_path}: every file was skipped (no row in the metadata sidecar: 2); there is "
        f"nothing to analyse. See the warnings above for each file."
    )
    assert [str(w.message) for w in caught] == [
        f"{side}: 2 of 2 .txt files have no metadata row and are skipped (e.g. ['a.txt', "
        f"'b.txt']). Add a row for each file that belongs to the corpus, or load with "
        f"metadata=False."
    ]


def test_sidecar_values_are_data_never_code(tmp_path):
    # YAML tags, Python expressions and spreadsheet formulas stay plain strings
    yaml_tag = "!!python/object/apply:os.system ['touch PWNED']"
    python = "__import__('os').system('touch PWNED')"
    formula = "=cmd|' /C calc'!A0"
    _sidecar_corpus(
        tmp_path,
        f'doc_id,note,formula\na,"{yaml_tag}","{formula}"\nb,"{python}",\n',
    )
    corpus, _ = _load(tmp_path)
    assert [(d.meta["note"], d.meta["formula"]) for d in corpus] == [(yaml_tag, formula), (python, "")]
    assert not list(tmp_path.rglob("PWNED")) and not Path("PWNED").exists()


def test_package_never_unpickles_or_evaluates():
    """Caches and sidecars are data: no pickle, eval, exec or unsafe YAML anywhere."""
    forbidden = re.compile(
        r"\bimport (?:pickle|cPickle|dill|cloudpickle|shelve|marshal)\b|\bpickle\.load|"
        r"read_pickle|allow_pickle\s*=\s*True|np\.load\(|(?<![\w.])eval\(|(?<![\w.])exec\(|"
        r"yaml\.load\(|yaml\.unsafe_load|yaml\.(?:Full|Unsafe)?Loader\b|"
        r"(?:LdaModel|Dictionary|Phrases|KeyedVectors|Word2Vec)\.load\("
    )
    hits = [
        f"{p.name}:{n}: {line.strip()}"
        for p in sorted(PACKAGE.glob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if forbidden.search(line)
    ]
    assert hits == []
    # the guard itself works
    assert forbidden.search("x = pickle.loads(b)") and forbidden.search("eval(s)")
    assert not forbidden.search("ast.literal_eval(s)") and not forbidden.search("yaml.safe_load(f)")


# ---------------------------------------------------------------------------
# Non-English and mixed-script text: kept and tokenized
# ---------------------------------------------------------------------------
def test_non_latin_and_mixed_script_text_is_kept_and_tokenized(tmp_path):
    _write(
        tmp_path / "mixed.txt",
        "Beijing (北京) and Moscow (Москва) met.\n\nمرحبا بالعالم. Ελλάδα και Κίνα.\n",
    )
    _write(tmp_path / "zh.txt", "中国和俄罗斯的关系。\n")
    corpus, warned = _load(tmp_path)
    assert warned == []
    assert corpus["mixed"].paragraphs == (
        "Beijing (北京) and Moscow (Москва) met.",
        "مرحبا بالعالم. Ελλάδα και Κίνα.",
    )
    tokens = tokenize(corpus, cache=False)
    f = tokens.frame
    words = f.loc[~f["is_punct"].to_numpy(bool)]
    mixed = words[words["doc_id"] == "mixed"]
    assert mixed["token"].astype(str).tolist() == [
        "Beijing", "北京", "and", "Moscow", "Москва", "met",
        "مرحبا", "بالعالم", "Ελλάδα", "και", "Κίνα",
    ]
    # lowercased across scripts; no segmentation of unspaced Chinese
    assert mixed["lemma"].astype(str).tolist()[4] == "москва"
    assert words[words["doc_id"] == "zh"]["token"].astype(str).tolist() == ["中国和俄罗斯的关系"]
    # the document table counts the tokens the English resources cannot read
    summary = token_summary(tokens).set_index("doc_id")["n_non_latin"]
    assert summary.to_dict() == {"mixed": 7, "zh": 1}
    # offsets point back into the paragraph in every script
    for row in f.itertuples():
        para = corpus[row.doc_id].paragraphs[row.paragraph]
        assert para[row.start:row.end] == row.token


# ---------------------------------------------------------------------------
# CSV / JSONL tables
# ---------------------------------------------------------------------------
def test_jsonl_without_the_text_column(tmp_path):
    f = _write(tmp_path / "t.jsonl", '{"body": "Text.", "id": "a"}\n')
    err = _error(f)
    assert type(err) is MetadataError
    assert str(err) == f"{f}: no text column 'text'; columns are ['body', 'id']. Pass text_column='<name>'."


def test_table_with_every_text_empty(tmp_path):
    f = _write(tmp_path / "t.csv", 'id,text\na,\nb,"  "\n')
    assert str(_error(f)) == f"{f}: every row's 'text' is empty; there is nothing to analyse."


def test_table_with_some_texts_empty_skips_those_rows(tmp_path):
    f = _write(tmp_path / "t.jsonl", '{"id": "a", "text": "Real."}\n{"id": "b", "text": null}\n')
    corpus, warned = _load(f)
    assert corpus.doc_ids == ["a"]
    assert corpus.skipped.to_dict("records") == [{"source": "t.jsonl:2", "reason": "empty"}]
    assert warned == [
        f"{f}: skipped 1 document(s) with no body text: t.jsonl:2 (empty). See Corpus.skipped."
    ]


def test_table_duplicate_ids_and_ragged_rows(tmp_path):
    f = _write(tmp_path / "t.csv", "id,text\na,One.\na,Two.\n")
    assert str(_error(f)) == f"{f}, line 3: duplicate id 'a' (first on line 2). Ids must be unique."
    _write(f, "id,text\na,One, two and three.\n")
    assert str(_error(f)) == (
        f"{f}, line 2: 3 cells but the header has 2 columns. Quote values that contain ',', "
        f"or add the missing column names to the header."
    )


def test_table_mapped_column_that_does_not_exist(tmp_path):
    f = _write(tmp_path / "t.csv", "id,text,year\na,One.,2001\n")
    assert str(_error(f, columns={"author": "speaker"})) == (
        f"{f}: no column 'speaker' (given as the author column); columns are ['id', 'text', "
        f"'year']. Fix the name in columns={{'author': ...}}."
    )


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"text": "x"', "line 1: not valid JSON (Expecting ',' delimiter at column 13). Expected one JSON object per line."),
        ('["text", "x"]', "line 1: expected a JSON object per line, got list."),
        ('{"text": ["part one.", "part two."]}',
         "line 1: 'text' is a JSON array, not a string. Join the parts into one string, or pass text_column='<name>'."),
        ('{"text": "a \\ud800 b"}',
         "line 1: the value of 'text' contains an unpaired UTF-16 surrogate ('\\ud800' at character 2), which is not text. Remove or fix the \\u escape."),
        ('{"text": "a\\u0000b"}',
         "line 1: the value of 'text' contains a NUL character ('\\x00' at character 1), which is not text. Remove or fix the \\u escape."),
        ("[" * 100_000, "line 1: cannot be read as JSON (nested too deeply). Expected one flat JSON object per line."),
        ('{"text": "x", "n": ' + "9" * 5000 + "}",
         "line 1: cannot be read as JSON (Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit). Expected one flat JSON object per line."),
    ],
    ids=["invalid", "not-an-object", "text-array", "lone-surrogate", "nul", "deep-nesting", "huge-integer"],
)
def test_jsonl_malformed_lines(tmp_path, line, message):
    f = _write(tmp_path / "t.jsonl", line + "\n")
    err = _error(f)
    assert type(err) is CorpusError
    assert str(err) == f"{f}, {message}"


def test_jsonl_nested_metadata_is_kept_as_json(tmp_path):
    f = _write(tmp_path / "t.jsonl", '{"text": "Hello.", "tags": ["b", "a"], "src": {"site": "x"}}\n')
    doc = _load(f)[0][0]
    assert dict(doc.meta) == {"src": '{"site": "x"}', "tags": '["b", "a"]'}


# ---------------------------------------------------------------------------
# The command line: one line naming the file, exit status 2, no traceback
# ---------------------------------------------------------------------------
def test_cli_reports_bad_corpora_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad"
    _write(bad / "a.txt", "Text.\n")
    _write(bad / "metadata.csv", "doc_id,author\na,X,extra\n")
    assert cli_main(["docs", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: {bad / 'metadata.csv'}, line 2: 3 cells but the header has 2 columns. Quote "
        f"values that contain ',', or add the missing column names to the header.\n"
    )


# ---------------------------------------------------------------------------
# Fuzzing: arbitrary bytes, text, sidecars and tables, each with the outcome it must have
# ---------------------------------------------------------------------------
# 60 examples per test keep the seven fuzzers at a few seconds each in `make test`;
# CORPUS_TOOLS_FUZZ_EXAMPLES=5000 runs a deeper search locally.
FUZZ = settings(
    max_examples=int(os.environ.get("CORPUS_TOOLS_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# bytes biased towards the troublemakers: BOMs, CR/LF, NUL, quotes, commas, high bytes
_TRICKY = st.sampled_from(
    [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\r\n", b"\r", b"\n", b"\n\n", b"\x00", b'"', b",",
     b"\t", b"\xc3\xa9", b"\xe9", b"\xe2\x80\x9c", b"{", b"}", b"[", b"\\u", b"\\ud800", b"You might also like\n"]
)
_BYTES = st.lists(st.one_of(st.binary(max_size=40), _TRICKY), max_size=25).map(b"".join)
_TEXT = st.text(st.characters(codec="utf-8"), max_size=400) | st.text(
    alphabet=st.sampled_from(list("ab .,;:\"'\n\r\t\u00a0\ufeff\u2028中Я-")), max_size=200
)


def _expected_decoding(data: bytes):
    """What the loader must make of a file's bytes, by its documented rules (``corpus/files.py``).

    Returns ``(text, None)`` for bytes it must decode, or ``(None, message)``
    with the start of the error it must raise after ``"{path}: "``: a UTF-16
    byte-order mark means UTF-16 (or "not valid UTF-16 (byte N)"); otherwise a
    UTF-8 mark is dropped, a NUL byte is refused at its file offset, and the
    rest must be UTF-8 (or "not valid UTF-8 at byte offset N (line L").
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            return None, f"starts with a UTF-16 byte-order mark but is not valid UTF-16 (byte {exc.start})"
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    nul = data.find(b"\x00", skip)
    if nul != -1:
        return None, f"NUL byte at byte offset {nul};"
    try:
        return data[skip:].decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", skip, skip + exc.start) + 1
        return None, f"not valid UTF-8 at byte offset {skip + exc.start} (line {line}, byte"


def _words(text: str) -> list[str]:
    """Words as the loader splits lines: on any whitespace, a no-break space included; no BOM."""
    return text.replace("\ufeff", "").replace("\u00a0", " ").split()


def _check_loaded(corpus, texts: dict[str, str], *, table: bool = False) -> None:
    """Invariants of whatever the loader accepts, against the decoded texts by doc_id.

    Every word of a text ends up in exactly one place: a body paragraph, a
    heading or a removed line (nothing lost, nothing invented); a document
    is skipped exactly when it has no body paragraph ("empty" when it has no
    word at all).
    """
    assert len(corpus) >= 1
    removed = corpus.boilerplate_report()
    for d in corpus:
        assert d.paragraphs and all(p and p == p.strip() for p in d.paragraphs)
        assert not any(c in d.text for c in "\r\ufeff\x00")
        placed = [w for part in (*d.paragraphs, *(h.text for h in d.headings),
                                 *removed.loc[removed["doc_id"] == d.doc_id, "text"]) for w in part.split()]
        assert Counter(placed) == Counter(_words(texts[d.doc_id])), d.doc_id
    if table:  # skipped rows are named "t.jsonl:LINE": count them
        assert len(corpus) + len(corpus.skipped) == len(texts)
    else:
        for source, reason in corpus.skipped.itertuples(index=False):
            doc_id = Path(source).stem
            assert (reason == "empty") == (not _words(texts[doc_id])), (source, reason)
        assert sorted(corpus.doc_ids + [Path(s).stem for s in corpus.skipped["source"]]) == sorted(texts)
    corpus.content_hash()  # every string encodes: no surrogates slipped through
    corpus.to_frame()


def _load_expecting(path, expected_error: str | None, texts: dict[str, str], **options):
    """Load ``path``; if ``expected_error`` is given, the loader must raise exactly that error.

    Otherwise it must load (checked with :func:`_check_loaded`) or, when every
    document is skipped for lack of body text, raise the "every file was
    skipped" error. Only CorpusWarning may be emitted.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            corpus = load_corpus(path, **options)
        except CorpusToolsError as exc:
            if expected_error is not None:
                assert str(exc).startswith(expected_error), (str(exc), expected_error)
                return None
            # the only refusal of decodable files: nothing left to analyse
            assert type(exc) is CorpusError and (
                "every file was skipped" in str(exc) or "is empty; there is nothing to analyse" in str(exc)), str(exc)
            return None
    assert expected_error is None, f"loaded, but must raise {expected_error!r}"
    assert all(issubclass(w.category, CorpusWarning) for w in caught), [str(w.message) for w in caught]
    _check_loaded(corpus, texts, table=Path(path).is_file())
    return corpus


@FUZZ
@given(files=st.lists(_BYTES, min_size=1, max_size=3))
def test_fuzz_txt_bytes_decode_or_name_the_bad_byte(files):
    """Arbitrary bytes: the first undecodable file (in name order) raises its decoding error; else it loads."""
    with tempfile.TemporaryDirectory() as d:
        texts, expected = {}, None
        for i, data in enumerate(files):
            p = Path(d, f"f{i}.txt")
            p.write_bytes(data)
            text, error = _expected_decoding(data)
            if error is not None and expected is None:
                expected = f"{p}: {error}"
            texts[p.stem] = text
        _load_expecting(d, expected, texts)


#: One line no header rule can take (no chrome before it, ends a sentence, not a heading):
#: a text starting with it must load, with it as the first paragraph.
_BODY_LINE = "The delegates met and spoke at length."


@FUZZ
@given(rest=_TEXT, bom=st.booleans(), crlf=st.booleans())
def test_fuzz_valid_text_files_load(rest, bom, crlf):
    """Valid UTF-8 text that starts with a body line always loads, whatever follows."""
    rest = rest.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("\x00", "")
    text = f"{_BODY_LINE}\n\n{rest}"
    data = (b"\xef\xbb\xbf" if bom else b"") + (text.replace("\n", "\r\n") if crlf else text).encode("utf-8")
    with tempfile.TemporaryDirectory() as d:
        Path(d, "doc.txt").write_bytes(data)
        corpus = _load_expecting(d, None, {"doc": _expected_decoding(data)[0]})
        assert corpus is not None and corpus.doc_ids == ["doc"]
        assert corpus["doc"].paragraphs[0] == _BODY_LINE


#: Dates the sidecar must accept (value -> (iso, precision)) and refuse.
_GOOD_DATES = {"2019": ("2019", "year"), "2018-6": ("2018-06", "month"), "2017-03-05": ("2017-03-05", "day"),
               "1970.0": ("1970", "year"), "": ("", "")}
_BAD_DATES = ["June 2018", "2019-13", "2019-02-30", "18-06"]
_CELL = st.text(st.characters(codec="utf-8", exclude_characters="\r\x00\ufeff", exclude_categories=["Cs"]),
                max_size=30)


@FUZZ
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from([*_GOOD_DATES, *_BAD_DATES]),
                               _CELL), max_size=4))
def test_fuzz_sidecar_rows_link_validate_or_name_the_line(rows):
    """A sidecar written by the csv module: the loader raises for the first row that names no file or
    repeats one, then for the first linked file whose date is invalid; else every value arrives."""
    with tempfile.TemporaryDirectory() as d:
        Path(d, "a.txt").write_text("Some text.\n")
        Path(d, "b.txt").write_text("Other text.\n")
        side = Path(d, "metadata.csv")
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["doc_id", "date", "author"])
        writer.writerows(rows)
        side.write_text(buf.getvalue(), encoding="utf-8")
        # the oracle: rows are numbered as records after the header (line 2, 3, ...)
        expected, first, by_id = None, {}, {}
        for n, (doc_id, date, author) in enumerate(rows, 2):
            if doc_id == "c":
                expected = f"{side}, line {n}: doc_id 'c' matches no .txt file in {d}."
                break
            if doc_id in first:
                expected = f"{side}, line {n}: duplicate entry for {doc_id!r} (first on line {first[doc_id]})."
                break
            first[doc_id] = n
            by_id[doc_id] = (n, date, author)
        if expected is None:
            for doc_id in sorted(by_id):  # files are read in name order
                n, date, _ = by_id[doc_id]
                if date in _BAD_DATES:
                    expected = f"{side}, line {n}: date {date!r} is not a valid ISO date."
                    break
        texts = {"a": "Some text.\n", "b": "Other text.\n"}
        if expected is None and not by_id:
            expected = f"{d}: every file was skipped (no row in the metadata sidecar: 2)"
        corpus = _load_expecting(d, expected, texts)
        if corpus is not None:
            assert corpus.doc_ids == sorted(by_id)
            for doc in corpus:
                _, date, author = by_id[doc.doc_id]
                assert (doc.date, doc.date_precision) == _GOOD_DATES[date]
                assert doc.author == ("" if author.strip().lower() == "nan" else author.strip())


@FUZZ
@given(rows=st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3"]), _TEXT), min_size=1, max_size=4),
       kind=st.sampled_from(["csv", "jsonl"]))
def test_fuzz_table_rows_load_or_name_the_duplicate(rows, kind):
    """A table written by the csv/json modules: a repeated id is refused at its line; rows without
    text are skipped; every other row is a document whose words are all kept."""
    rows = [(i, t.encode("utf-8", "surrogatepass").decode("utf-8", "replace").replace("\x00", "")
             .replace("\r", "\n").replace("\ufeff", "")) for i, t in rows]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d, f"t.{kind}")
        if kind == "csv":
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(["id", "text"])
            writer.writerows(rows)
            path.write_text(buf.getvalue(), encoding="utf-8")
        else:
            path.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in rows), encoding="utf-8")
        expected, first = None, {}
        for n, (doc_id, _) in enumerate(rows, 2 if kind == "csv" else 1):
            if doc_id in first:
                expected = f"{path}, line {n}: duplicate id {doc_id!r} (first on line {first[doc_id]})."
                break
            first[doc_id] = n
        corpus = _load_expecting(path, expected, dict(rows))
        if corpus is not None:
            assert set(corpus.doc_ids) <= {i for i, _ in rows}


@FUZZ
@given(sidecar=_BYTES | _TEXT.map(lambda t: ("doc_id,date,author\n" + t).encode("utf-8", "surrogatepass")))
def test_fuzz_metadata_csv_bytes(sidecar):
    """Arbitrary sidecar bytes: an undecodable sidecar raises its decoding error as a MetadataError;
    any other refusal is a project error that names the sidecar."""
    with tempfile.TemporaryDirectory() as d:
        Path(d, "a.txt").write_text("Some text.\n")
        Path(d, "b.txt").write_text("Other text.\n")
        side = Path(d, "metadata.csv")
        side.write_bytes(sidecar)
        _, error = _expected_decoding(sidecar)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            try:
                load_corpus(d)
            except CorpusToolsError as exc:
                if error is not None:
                    assert type(exc) is MetadataError and str(exc).startswith(f"{side}: {error}"), str(exc)
                else:
                    assert str(exc).startswith((str(side), d)), str(exc)
            else:
                assert error is None, f"loaded an undecodable sidecar; expected {error!r}"


@FUZZ
@given(data=_BYTES, kind=st.sampled_from(["csv", "jsonl", "tsv"]))
def test_fuzz_table_bytes(data, kind):
    """Arbitrary table bytes: undecodable ones raise their decoding error; any other refusal names the table."""
    header = {"csv": b"id,text,date\n", "jsonl": b"", "tsv": b"id\ttext\n"}[kind]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d, f"t.{kind}")
        p.write_bytes(header + data)
        _, error = _expected_decoding(header + data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            try:
                corpus = load_corpus(p)
            except CorpusToolsError as exc:
                if error is not None:
                    assert type(exc) is CorpusError and str(exc).startswith(f"{p}: {error}"), str(exc)
                else:
                    assert str(exc).startswith(str(p)), str(exc)
            else:
                assert error is None, f"loaded an undecodable table; expected {error!r}"
                assert len(corpus) >= 1 and all(doc.paragraphs for doc in corpus)


@FUZZ
@given(texts=st.lists(_TEXT, min_size=1, max_size=3), as_jsonl=st.booleans())
def test_fuzz_text_through_loader_and_tokenizer(texts, as_jsonl):
    """Any text: loaded (or refused as having nothing to analyse), then every token points at its text."""
    with tempfile.TemporaryDirectory() as d:
        if as_jsonl:
            path = Path(d, "t.jsonl")
            path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
            expected = None
            if any(_json_not_text.search(t) for t in texts):
                n = next(i for i, t in enumerate(texts, 1) if _json_not_text.search(t))
                expected = f"{path}, line {n}: the value of 'text' contains"
            by_id = {f"row{i:06d}": t.replace("\r", "\n") for i, t in enumerate(texts, 1)}
        else:
            path = Path(d)
            by_id, expected = {}, None
            for i, t in enumerate(texts):
                data = t.encode("utf-8", "surrogatepass")
                Path(d, f"t{i}.txt").write_bytes(data)
                text, error = _expected_decoding(data)
                if error is not None and expected is None:
                    expected = f"{Path(d, f't{i}.txt')}: {error}"
                by_id[f"t{i}"] = text
        corpus = _load_expecting(path, expected, by_id)
        if corpus is None:
            return
        tokens = tokenize(corpus, cache=False, progress=False)
        f = tokens.frame
        for row in f.itertuples():
            assert corpus[row.doc_id].paragraphs[row.paragraph][row.start:row.end] == row.token
        assert set(f["doc_id"].astype(str)) <= set(corpus.doc_ids)


#: What a JSON string may not carry into a text: a NUL or an unpaired surrogate.
_json_not_text = re.compile("[\x00\ud800-\udfff]")


# ---------------------------------------------------------------------------
# Offline: no network in tests, no NLTK downloads anywhere
# ---------------------------------------------------------------------------
def test_tests_cannot_reach_the_network_and_nltk_download_is_never_called():
    import socket

    import nltk

    from tests.conftest import NetworkBlocked

    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkBlocked, match="test tried to reach the network"):
            s.connect(("93.184.216.34", 80))
    finally:
        s.close()
    with pytest.raises(AssertionError, match="never download NLTK data"):
        nltk.download("punkt")
    # and no code, notebook or script of the project names it
    root = PACKAGE.parent
    files = [*PACKAGE.rglob("*.py"), *(root / "notebooks").glob("*.ipynb"), *(root / "benchmarks").glob("*.py")]
    assert files and not [f for f in files if "nltk.download" in f.read_text(encoding="utf-8")]
