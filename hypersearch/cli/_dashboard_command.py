"""The ``dashboard`` command: serve the live web dashboard of a storage."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_dashboard(args: argparse.Namespace) -> None:
    from hypersearch.dashboard import run

    url = args.storage_url or args.storage
    if url is None:
        from hypersearch.exceptions import CLIUsageError

        raise CLIUsageError("give the storage URL: hypersearch dashboard sqlite:///hs.db")
    run(
        url,
        host=args.host,
        port=args.port,
        allow_writes=args.allow_writes,
        artifact_store=args.artifact_dir,
    )


def add_dashboard(sub: Any) -> None:
    """The ``dashboard`` command's parser."""
    p = sub.add_parser(
        "dashboard",
        help="serve a live web dashboard of a storage's studies",
        description="Serve a live web dashboard of the studies in STORAGE_URL (read-only "
        "unless --allow-writes). An Optuna database is refused with the migrate command to run.",
    )
    p.add_argument("storage_url", nargs="?", default=None, metavar="STORAGE_URL",
                   help="the storage URL, e.g. sqlite:///hs.db, or a journal file")  # fmt: skip
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="TCP port (default: 8080)")
    p.add_argument(
        "--allow-writes",
        action="store_true",
        help="let the page write notes, tell WAITING trials and fail stuck RUNNING ones",
    )
    p.add_argument(
        "--artifact-dir",
        default=None,
        metavar="DIRECTORY",
        help="the FileSystemArtifactStore directory: a trial's artifacts can be downloaded",
    )
    p.set_defaults(func=cmd_dashboard, needs_storage=False)
