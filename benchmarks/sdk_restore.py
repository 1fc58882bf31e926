"""One restore with the official ``pinecone`` 7.3 SDK, for the benchmark's side-by-side table.

Runs in the SDK's own environment (``pinecone==7.3.0`` cannot share one with the newest
pulumi), so it imports nothing from this repository: only the SDK and the standard library.
It restores ``--backup-id`` into ``--name`` with ``create_index_from_backup`` (which describes
the index at once, then every 5 s until it is ready) and prints one JSON line::

    {"returned_at": <epoch seconds>, "seconds": <duration>, "sdk": "7.3.0"}

With ``--manual-clock`` the emulator's clock is manual: the SDK's ``time.sleep`` advances it
through the admin API instead of sleeping, and ``returned_at`` is read from that clock, so an
hour-long restore takes seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.request
from typing import Any, SupportsIndex


def _admin(url: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(  # noqa: S310 - the emulator's own http URL
        f"{url}/_emulator/{path}",
        data=data,
        method="GET" if body is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def main(argv: list[str] | None = None) -> int:
    """Restore once and print when the SDK returned."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="the emulator, http://127.0.0.1:PORT")
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--backup-id", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--manual-clock", action="store_true")
    args = parser.parse_args(argv)

    import pinecone  # noqa: PLC0415 - only in the SDK's environment

    if args.manual_clock:
        # The SDK's wait is `time.sleep(5)` between describes: move the emulator's clock instead.
        def advance(seconds: float | SupportsIndex) -> None:
            _admin(args.url, "clock/advance", {"seconds": float(seconds)})

        time.sleep = advance

    client = pinecone.Pinecone(api_key=args.api_key, host=args.url)
    started = time.perf_counter()
    client.create_index_from_backup(name=args.name, backup_id=args.backup_id)
    seconds = time.perf_counter() - started
    returned_at = (
        float(_admin(args.url, "clock")["epoch_seconds"]) if args.manual_clock else time.time()
    )
    print(
        json.dumps(
            {
                "returned_at": returned_at,
                "seconds": seconds,
                "sdk": getattr(pinecone, "__version__", "?"),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
