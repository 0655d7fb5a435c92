"""The decision log: one JSON line per decision, appended and flushed as it is made, as OPA's decision logs are.

Each line holds the time (UTC; the one place selector writes a clock reading, since a log
records when), the endpoint, the candidate, the policy's name, file (or the inline
policy itself) and fingerprint, the knowledge base's and the rules' fingerprints, the
evaluation date and the outcome: enough to replay the decision with
``selector check CANDIDATE --constraints FILE --as-of DATE`` on the same inputs.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from selector.errors import UsageError


class DecisionLog:
    """An append-only JSON-lines file; each line is written whole and flushed before the response is sent."""

    def __init__(self, path: Path) -> None:
        try:
            self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - held open for the server's life
        except OSError as error:
            raise UsageError(f"cannot append to it: {error.strerror or error}", file=path, key="--decision-log") from None
        self.path = path
        self._lock = threading.Lock()

    def write(self, endpoint: str, entry: dict[str, Any]) -> None:
        """Append one decision as one line, with the time it was made, and flush it."""
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        line = json.dumps({"time": now, "endpoint": endpoint, **entry}, ensure_ascii=True, separators=(",", ":"))
        with self._lock:
            self._file.write(line + "\n")
            self._file.flush()

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._file.close()


class NoLog:
    """No decision log: decisions are not recorded."""

    def write(self, endpoint: str, entry: dict[str, Any]) -> None:
        """Record nothing."""

    def close(self) -> None:
        """Nothing to close."""
