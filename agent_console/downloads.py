"""Saving a ticket's attachments to disk: where to (the user's downloads folder by default),
under which name (never overwriting a file), and the download itself, checked against the
sha256 the server sends. No widgets here; the ticket screen asks and reports."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import Any

import platformdirs

from .client import ApiClient

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


class DownloadError(Exception):
    """The file could not be saved: the message says why, for the agent."""


def downloads_dir() -> Path:
    """The user's downloads folder (e.g. ~/Downloads), from platformdirs."""
    return Path(platformdirs.user_downloads_dir())


def safe_name(filename: str | None) -> str:
    """A file name that stays in the folder it is saved to: no directories, no control or
    reserved characters, not hidden, not empty."""
    name = unicodedata.normalize("NFC", filename or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    return name[:200] or "attachment"


def free_path(directory: Path, filename: str) -> Path:
    """`directory/filename`, or `name (1).ext`, `name (2).ext` … if that exists."""
    path = directory / filename
    stem, suffix = path.stem, path.suffix
    n = 1
    while path.exists():
        path = directory / f"{stem} ({n}){suffix}"
        n += 1
    return path


def default_target(filename: str | None, directory: Path | None = None) -> Path:
    return free_path(directory or downloads_dir(), safe_name(filename))


def resolve_target(text: str, filename: str | None) -> Path:
    """Where the agent said to save: a folder (existing, or written with a trailing slash)
    gets the attachment's own name; anything else is the file's full path, which must not
    exist yet."""
    raw = text.strip()
    if not raw:
        raise DownloadError("no path given")
    path = Path(raw).expanduser()
    if path.is_dir() or raw.endswith(("/", os.sep)):
        return free_path(path, safe_name(filename))
    if path.exists():
        raise DownloadError(f"{path} exists already: give another name or a folder")
    return path


async def save_attachment(client: ApiClient, attachment: dict[str, Any], path: Path) -> Path:
    """Downloads the attachment to `path` (through `path.part`, renamed when complete and
    its sha256 matches). Raises `DownloadError` for the disk side and for a file that
    arrived damaged; the client's `Offline`/`ApiError` for the server side."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create {path.parent}: {exc.strerror or exc}") from exc
    part = path.with_name(path.name + ".part")
    digest = hashlib.sha256()

    class Sink:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def write(self, chunk: bytes) -> None:
            digest.update(chunk)
            self.fh.write(chunk)

    try:
        try:
            with part.open("xb") as fh:
                info = await client.download_attachment(int(attachment["id"]), Sink(fh))
        except FileExistsError as exc:
            raise DownloadError(f"{part} exists (another download in progress?)") from exc
        except OSError as exc:
            raise DownloadError(f"cannot write {part}: {exc.strerror or exc}") from exc
        expected = info.get("sha256") or attachment.get("sha256")
        if expected and expected != digest.hexdigest():
            raise DownloadError(
                f"{attachment.get('filename')} arrived damaged (sha256 differs); not saved"
            )
        if path.exists():
            raise DownloadError(f"{path} appeared meanwhile; not overwritten")
        part.rename(path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return path
