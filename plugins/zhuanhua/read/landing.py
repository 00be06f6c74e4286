"""The landing area through one abstraction: a local folder or any fsspec URL (s3://, memory://)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import fsspec

from zhuanhua.domain.feeds import Feed
from zhuanhua.errors import LandingUnreachable


@dataclass(frozen=True)
class LandedFile:
    feed: str
    name: str
    url: str
    business_date: date
    # what the store says of the bytes without reading them: their size, and a mark that
    # changes when they are rewritten (an object store's ETag, a folder's mtime); None when
    # the store says nothing, and the bytes must be read to know the version
    size: int | None = None
    fingerprint: str | None = None


@dataclass(frozen=True)
class Delivery:
    """A landed file as delivered: its bytes (None when it is over the size limit: they are
    hashed as they stream past, never held), its size and its sha256."""

    landed: LandedFile
    data: bytes | None
    size: int
    sha256: str

    @classmethod
    def of(cls, landed: LandedFile, data: bytes) -> Delivery:
        return cls(landed, data, len(data), hashlib.sha256(data).hexdigest())


CHUNK = 1024**2  # a file streams in 1 MiB pieces


@dataclass(frozen=True)
class Landing:
    location: str  # a local path or a URL
    # an fsspec filesystem already holding the store's credentials (an Airflow connection's,
    # zhuanhua.ops.connections); None: fsspec's own from the URL and the environment
    filesystem: Any = None

    def _fs(self):
        if self.filesystem is None:
            return fsspec.core.url_to_fs(self.location)
        return self.filesystem, self.filesystem._strip_protocol(self.location)

    def files(self, feed: Feed, up_to: date | None = None) -> list[LandedFile]:
        """The feed's files whose business date is on or before `up_to`, oldest first."""
        fs, root = self._fs()
        try:
            reachable = fs.exists(root)
        except Exception as error:  # a network store's client errors are its own classes
            raise LandingUnreachable(f"landing area {self.location}: {error}") from error
        if not reachable:
            raise LandingUnreachable(
                f"landing area {self.location} cannot be reached "
                "(missing, not mounted or no access)"
            )
        folder = f"{root.rstrip('/')}/{feed.folder}"
        if not fs.exists(folder):
            return []
        found = []
        for info in fs.ls(folder, detail=True):
            path = info["name"]
            name = path.rstrip("/").rsplit("/", 1)[-1]
            day = feed.business_date(name)
            if day is not None and (up_to is None or day <= up_to):
                landed = LandedFile(feed.name, name, self._url(fs, path), day)
                found.append(_described(landed, info))
        return sorted(found, key=lambda f: (f.business_date, f.name))

    def fetch(self, landed: LandedFile, max_bytes: int) -> Delivery:
        """The file's bytes if it has at most `max_bytes`; its size and sha256 in any case,
        so a file too large to read is still recorded once, and its correction recognised."""
        digest, pieces, size = hashlib.sha256(), [], 0
        opened = (
            fsspec.open(landed.url, "rb")
            if self.filesystem is None
            else self.filesystem.open(self.filesystem._strip_protocol(landed.url), "rb")
        )
        with opened as handle:
            while piece := handle.read(CHUNK):
                digest.update(piece)
                size += len(piece)
                if size <= max_bytes:
                    pieces.append(piece)
                else:
                    pieces.clear()
        data = b"".join(pieces) if size <= max_bytes else None
        return Delivery(landed, data, size, digest.hexdigest())

    def write(self, relative_path: str, data: bytes) -> str:
        fs, root = self._fs()
        path = f"{root.rstrip('/')}/{relative_path}"
        fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        with fs.open(path, "wb") as handle:
            handle.write(data)
        return self._url(fs, path)

    @staticmethod
    def _url(fs, path: str) -> str:
        return fs.unstrip_protocol(path)


def _described(landed: LandedFile, info: dict) -> LandedFile:
    """The file with its size and fingerprint from the listing (fsspec's `ls` detail)."""
    size = info.get("size")
    mark = info.get("ETag") or info.get("etag") or info.get("mtime") or info.get("LastModified")
    if info.get("islink"):  # the link's own time, not its target's: read it every night
        mark = None
    return replace(
        landed,
        size=int(size) if size is not None else None,
        fingerprint=str(mark).strip('"') if mark is not None and size is not None else None,
    )
