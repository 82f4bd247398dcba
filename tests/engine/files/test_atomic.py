"""engine.files.atomic: a save either fully happens or leaves the old file exactly as it was."""

from __future__ import annotations

import os
import secrets
import stat
import sys
from pathlib import Path

import pytest

from engine.files.atomic import atomic_write_bytes, atomic_write_text


def _leftovers(directory: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


def test_creates_new_file(tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    atomic_write_text(target, "a = 1\n")
    assert target.read_text(encoding="utf-8") == "a = 1\n"
    assert _leftovers(tmp_path, {"new.toml"}) == []


def test_replaces_content_and_accepts_str_paths(tmp_path: Path) -> None:
    target = tmp_path / "s.toml"
    target.write_text("old content that is longer than the new one\n")
    atomic_write_text(str(target), "new\n")
    assert target.read_text() == "new\n"


def test_text_is_utf8_without_newline_translation(tmp_path: Path) -> None:
    target = tmp_path / "u.toml"
    atomic_write_text(target, "🚀 line one\nline two\r\n")
    assert target.read_bytes() == "🚀 line one\nline two\r\n".encode()


def test_bytes(tmp_path: Path) -> None:
    target = tmp_path / "b.bin"
    atomic_write_bytes(target, b"\x00\xff" * 10)
    assert target.read_bytes() == b"\x00\xff" * 10


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_keeps_existing_permissions(tmp_path: Path) -> None:
    target = tmp_path / "p.toml"
    target.write_text("x")
    target.chmod(0o640)
    atomic_write_text(target, "y")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_follows_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.toml"
    real.write_text("old")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    atomic_write_text(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_failed_replace_leaves_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.toml"
    target.write_text("original\n")

    def boom(src: object, dst: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="disk on fire"):
        atomic_write_text(target, "replacement\n")
    assert target.read_text() == "original\n"
    assert _leftovers(tmp_path, {"keep.toml"}) == []


def test_failed_fsync_leaves_original_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "keep.toml"
    target.write_text("original\n")

    def boom(fd: int) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="no space left"):
        atomic_write_bytes(target, b"replacement")
    assert target.read_text() == "original\n"
    assert _leftovers(tmp_path, {"keep.toml"}) == []


def test_interrupt_mid_write_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a KeyboardInterrupt (not an Exception) must not leave a temp file behind."""
    target = tmp_path / "k.toml"

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "x")
    assert _leftovers(tmp_path, set()) == []


def test_bad_data_type_cleans_up(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        atomic_write_bytes(tmp_path / "t.bin", "not bytes")  # type: ignore[arg-type]
    assert _leftovers(tmp_path, set()) == []


def test_missing_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "nope" / "x.toml", "x")


def test_temp_name_collisions_are_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A leftover temp file with the same random name is never clobbered."""
    tokens = iter(["aaaa", "aaaa", "bbbb"])
    monkeypatch.setattr(secrets, "token_hex", lambda n: next(tokens))
    atomic_write_text(tmp_path / "c.toml", "first")
    stray = tmp_path / f".c.toml.{os.getpid()}.aaaa.tmp"
    stray.write_text("someone else's")
    atomic_write_text(tmp_path / "c.toml", "second")
    assert (tmp_path / "c.toml").read_text() == "second"
    assert stray.read_text() == "someone else's"
