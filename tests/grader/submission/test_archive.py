"""`.zip` submissions: graded like the folder inside, and extracted without trusting the zip."""

from __future__ import annotations

import shutil
import stat
import struct
import zipfile
from pathlib import Path

import pytest

import assignments
from grader.grading import grade
from grader.result import Status
from grader.submission import (
    LoadedSubmission,
    SubmissionError,
    SubmissionKind,
    archive,
    load_submission,
)
from tests.conftest import REFERENCE

COURSE = assignments.COURSE
LAYERS = (REFERENCE / "layers.py").read_text()


def make_zip(path: Path, entries: dict[str, str | bytes],
             compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name) if name.endswith("/") else name, data)
    return path


def load(path: Path, tmp_path: Path) -> LoadedSubmission:
    return load_submission(path, COURSE, tmp_path / "scratch")


def test_zip_of_the_reference_earns_full_marks(tmp_path: Path) -> None:
    """A zip holding one top-level folder (what "Compress" makes) is graded like that folder."""
    folder = tmp_path / "alice_hw2"
    shutil.copytree(REFERENCE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    zipped = Path(shutil.make_archive(str(tmp_path / "alice"), "zip", tmp_path, "alice_hw2"))
    result = grade(zipped, only=["activations"])
    failing = [(c.id, c.status.value, c.message) for c in result.checks
               if c.status is not Status.PASSED]
    assert failing == []
    assert result.score == result.max_score > 0
    assert result.submission == str(zipped)


def test_files_at_the_top_and_macos_junk(tmp_path: Path) -> None:
    """Files zipped without a folder load too; __MACOSX and .DS_Store are left out quietly."""
    zipped = make_zip(tmp_path / "s.zip", {"layers.py": LAYERS, "__MACOSX/._layers.py": b"\0\1",
                                           ".DS_Store": b"\0", "notes/": ""})
    loaded = load(zipped, tmp_path)
    assert loaded.kind is SubmissionKind.ARCHIVE and loaded.original == zipped
    assert loaded.layout.modules == {"layers": "submission.layers"}
    assert loaded.files == ("layers.py",) and loaded.problems == ()
    assert not (tmp_path / "scratch" / "unpacked").exists()  # the extraction was removed


def test_single_folder_is_descended_even_under_junk(tmp_path: Path) -> None:
    zipped = make_zip(tmp_path / "s.zip", {"hw/layers.py": LAYERS, "__MACOSX/hw/._x": b"\0"})
    assert load(zipped, tmp_path).files == ("layers.py",)


@pytest.mark.parametrize("name", ["../evil.py", "hw/../../evil.py", "..\\evil.py",
                                  "/tmp/evil.py", "C:/evil.py"])
def test_paths_leaving_the_folder_are_rejected(tmp_path: Path, name: str) -> None:
    """Is an entry that would land outside the extraction folder rejected, before anything
    at all is written?"""
    zipped = make_zip(tmp_path / "s.zip", {"layers.py": LAYERS, name: "print('pwned')"})
    with pytest.raises(SubmissionError) as err:
        load(zipped, tmp_path / "deep" / "er")
    assert str(err.value).startswith(f"{zipped}: entry {name!r}")
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["s.zip"]
    assert not Path("/tmp/evil.py").exists()


def test_symlink_entries_are_rejected(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("layers.py")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "s.zip", "w") as zf:
        zf.writestr(info, "/work/main/reference/layers.py")
    with pytest.raises(SubmissionError, match=r"entry 'layers.py' is a symbolic link"):
        load(tmp_path / "s.zip", tmp_path)


def test_too_many_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_FILES", 5)
    zipped = make_zip(tmp_path / "s.zip", {f"f{i}.txt": "x" for i in range(6)})
    with pytest.raises(SubmissionError, match=r"s\.zip: too many files \(6; the limit is 5\)"):
        load(zipped, tmp_path)


def test_declared_size_over_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_BYTES", 1000)
    zipped = make_zip(tmp_path / "s.zip", {"a.txt": "x" * 600, "b.txt": "y" * 600},
                      zipfile.ZIP_STORED)
    with pytest.raises(SubmissionError, match=r"s\.zip: too large \(0 MiB uncompressed"):
        load(zipped, tmp_path)


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    """4 MiB of zeros compresses about 1000:1: rejected from the header, nothing written."""
    zipped = make_zip(tmp_path / "s.zip", {"layers.py": LAYERS, "data.npy": bytes(4 << 20)})
    with pytest.raises(SubmissionError, match=r"entry 'data.npy' expands \d+:1, which looks "
                                              r"like a zip bomb"):
        load(zipped, tmp_path)
    assert not (tmp_path / "scratch" / "unpacked").exists()


def _lie_about_size(path: Path, size: int) -> None:
    """Rewrite the uncompressed size of every entry in the local and central headers."""
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            data[at + offset:at + offset + 4] = struct.pack("<I", size)
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def test_a_lying_header_does_not_get_past(tmp_path: Path) -> None:
    """Headers claiming 100 bytes for 3 MiB of zeros: the ratio check sees nothing wrong, the
    streaming stops at the declared size, and the archive is rejected as corrupt."""
    zipped = make_zip(tmp_path / "s.zip", {"big.txt": bytes(3 << 20)})
    _lie_about_size(zipped, 100)
    with pytest.raises(SubmissionError, match=r"s\.zip: not a valid zip archive \('big.txt'"):
        load(zipped, tmp_path)
    written = [p.stat().st_size for p in tmp_path.rglob("*") if p.is_file() and p != zipped]
    assert max(written, default=0) <= 100


def test_streaming_counts_bytes_itself(tmp_path: Path) -> None:
    """The byte counter stops an entry at the remaining budget, whatever the header says."""
    zipped = make_zip(tmp_path / "s.zip", {"a.txt": "x" * 5000})
    with zipfile.ZipFile(zipped) as zf, pytest.raises(SubmissionError, match="zip bomb"):
        archive._write(zipped, zf, zf.infolist()[0], tmp_path / "a.txt", budget=1000)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "crc"])
def test_corrupt_zips(tmp_path: Path, damage: str) -> None:
    zipped = make_zip(tmp_path / "s.zip", {"layers.py": LAYERS})
    data = zipped.read_bytes()
    if damage == "garbage":
        data = b"this is not a zip\n" * 10
    elif damage == "truncated":
        data = data[: len(data) // 2]
    else:
        at = data.index(b"layers.py") + len("layers.py") + 100  # inside the compressed data
        data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
    zipped.write_bytes(data)
    with pytest.raises(SubmissionError) as err:
        load(zipped, tmp_path)
    assert str(err.value).startswith(f"{zipped}: not a valid zip archive (")
    assert "\n" not in str(err.value)


def test_nested_zips_are_not_extracted(tmp_path: Path) -> None:
    inner = make_zip(tmp_path / "inner.zip", {"optim.py": "x = 1\n"})
    zipped = make_zip(tmp_path / "s.zip", {"hw/layers.py": LAYERS,
                                           "hw/old/inner.zip": inner.read_bytes()})
    loaded = load(zipped, tmp_path)
    assert loaded.problems == ("hw/old/inner.zip: archive inside the archive, not extracted",)
    assert "optim" not in loaded.layout.modules
    assert not list((tmp_path / "scratch").rglob("inner.zip"))


def test_empty_and_useless_zips(tmp_path: Path) -> None:
    empty = make_zip(tmp_path / "empty.zip", {})
    with pytest.raises(SubmissionError, match=r"empty\.zip: the archive is empty$"):
        load(empty, tmp_path / "a")
    notes = make_zip(tmp_path / "notes.zip", {"hw/README.md": "I did it all"})
    with pytest.raises(SubmissionError, match=r"notes\.zip: no submission inside the archive"):
        load(notes, tmp_path / "b")


def test_errors_inside_name_the_zip_not_the_scratch_folder(tmp_path: Path) -> None:
    """A zip of one broken notebook: the message names the zip, and no temporary path."""
    zipped = make_zip(tmp_path / "s.zip", {"hw2.ipynb": "{not json"})
    with pytest.raises(SubmissionError) as err:
        load(zipped, tmp_path)
    assert str(err.value).startswith(f"{zipped}/hw2.ipynb: not a readable notebook")
    assert "unpacked" not in str(err.value)
