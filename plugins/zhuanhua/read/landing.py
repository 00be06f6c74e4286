"""The landing area through one abstraction: a local folder or any fsspec URL (s3://, memory://)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import fsspec

from zhuanhua.domain.feeds import Feed
from zhuanhua.errors import LandingUnreachable


@dataclass(frozen=True)
class LandedFile:
    feed: str
    name: str
    url: str
    business_date: date


@dataclass(frozen=True)
class Landing:
    location: str  # a local path or a URL

    def _fs(self):
        return fsspec.core.url_to_fs(self.location)

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
        for path in fs.ls(folder, detail=False):
            name = path.rstrip("/").rsplit("/", 1)[-1]
            day = feed.business_date(name)
            if day is not None and (up_to is None or day <= up_to):
                found.append(LandedFile(feed.name, name, self._url(fs, path), day))
        return sorted(found, key=lambda f: (f.business_date, f.name))

    def read(self, landed: LandedFile) -> bytes:
        with fsspec.open(landed.url, "rb") as handle:
            return handle.read()

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
