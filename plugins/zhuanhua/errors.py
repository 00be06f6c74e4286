"""Every error the project raises on purpose, in one place.

`ZhuanhuaError` is an expected failure whose message tells an operator what is wrong and
what to do: the CLI prints it as one line and exits non-zero. Anything else is a bug and
keeps its traceback. Each class also keeps the built-in base it had, so a caller that
catches `ValueError` or `OSError` still catches it.
"""

from __future__ import annotations


class ZhuanhuaError(Exception):
    """An expected failure with a message an operator can act on."""


class ConfigError(ZhuanhuaError, ValueError):
    """A setting has a value the pipeline cannot work with."""


class UsageError(ZhuanhuaError, ValueError):
    """A command was asked for something it cannot do (a range that ends before it starts,
    a waiver without a reason)."""


class BadValue(ZhuanhuaError, ValueError):
    """A value that cannot be read as its column's kind (a row failure, not a file's)."""


class BadPatentNumber(BadValue):
    """Not a Chinese patent application number in any accepted written form."""


class FileRejected(ZhuanhuaError):
    """A delivered file is unreadable as a whole, for the reason given."""


class LandingUnreachable(ZhuanhuaError, OSError):
    """The landing area itself (not a feed folder in it) cannot be reached."""


class EmbeddedDbError(ZhuanhuaError, RuntimeError):
    """The embedded server could not be started, stopped or reached."""


class NotHeld(ZhuanhuaError, LookupError):
    """No held row with that id (it may be released, waived or superseded already)."""


class LoadBusy(ZhuanhuaError, RuntimeError):
    """Another load of the same feed holds the feed's lock: one load per feed at a time."""


class FilesHeld(ZhuanhuaError, RuntimeError):
    """Files held whole for too many bad rows: the night must fail loudly."""


class TransformError(ZhuanhuaError, RuntimeError):
    """dbt finished with errors; the message carries dbt's own summary."""


class AccessError(ZhuanhuaError, ValueError):
    """A login or county that cannot be set up as asked."""


class ExportRefused(ZhuanhuaError):
    """The export cannot be made as asked; the message says why and what to do."""


class RunFailed(ZhuanhuaError, RuntimeError):
    """A DAG run ended in a state other than success."""


class StackRunning(ConfigError):
    """`zhuanhua stack up` on a folder whose stack is still running."""


class BadCodeList(UsageError):
    """A code list given to `zhuanhua codes update` that cannot be read as one."""
