"""`python -m tokentrends <command>`: what the Makefile calls. Errors are one line and a non-zero exit."""

from __future__ import annotations

import argparse
import errno
import os
import sys
import time
import traceback
from datetime import date
from pathlib import Path

from tokentrends import config
from tokentrends.build import build_reports
from tokentrends.build_personal import build_personal
from tokentrends.errors import INTERRUPTED, OUTPUT_CLOSED, TokentrendsError
from tokentrends.inputs.activity_archive import add_activity, private_reports_root, private_root
from tokentrends.inputs.fetch_activity import run_fetch_activity
from tokentrends.inputs.fetch_all import run_fetch
from tokentrends.inputs.prepare import prepare_data_dir
from tokentrends.inputs.sample import write_sample
from tokentrends.paths import default_data_dir, project_root
from tokentrends.render.chart_renders import render_chart_files
from tokentrends.signals import interrupt_handled


def _years(value: str) -> list[int] | None:
    if value in ("", "all"):
        return None
    try:
        return sorted({int(y) for y in value.replace(",", " ").split()})  # '2025,2025' is one year
    except ValueError:
        raise argparse.ArgumentTypeError(f"YEAR must be a year such as 2025, or 'all' (got {value!r})") from None


def cmd_report(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    build_reports(args.data_dir, args.year, args.top_n, args.reports_dir, args.jobs)  # it says where the index is
    print(f"reports ready in {time.perf_counter() - started:.1f}s")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    print(prepare_data_dir(args.data_dir))
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    reports = Path(args.reports_dir) if args.reports_dir else project_root() / "reports"
    folders = sorted(p for p in reports.glob("[0-9]*") if p.is_dir())
    drawn = sum(render_chart_files(folder) for folder in folders)
    print(f"{drawn} chart(s) drawn in {len(folders)} report folder(s) (the others were up to date)")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    print(f"wrote the synthetic sample to {write_sample(args.out, args.seed)}")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    try:
        until = date.fromisoformat(args.until) if args.until else None
    except ValueError:
        raise TokentrendsError(f"--until must be a date YYYY-MM-DD (got {args.until!r})") from None
    written = run_fetch(
        args.data_dir or default_data_dir(), until=until, models=not args.no_models, demand=not args.no_demand
    )
    print(f"fetched {len(written)} new vintage(s)")
    return 0


def _retrieved_at(given: str | None) -> str:
    """The pull's retrieval time: as given, else asked for on a terminal; never guessed from file times."""
    if given:
        return given
    if not sys.stdin.isatty():
        raise TokentrendsError(
            "give the time the response was retrieved: --retrieved-at 2026-03-02T08:15:00Z "
            "(make add-activity FILE=... RETRIEVED_AT=...); it is never guessed from file times"
        )
    return input("When was this response retrieved from OpenRouter? (ISO time, e.g. 2026-03-02T08:15:00Z): ").strip()


def cmd_add_activity(args: argparse.Namespace) -> int:
    folder = add_activity(args.file, _retrieved_at(args.retrieved_at), args.activity_dir or private_root())
    print(f"added {folder}" if folder else "that pull is already in the archive: nothing added")
    return 0


def cmd_fetch_activity(args: argparse.Namespace) -> int:
    if args.file:
        return cmd_add_activity(args)
    folder = run_fetch_activity(args.activity_dir or private_root())
    print(f"fetched {1 if folder else 0} new activity vintage(s)")
    return 0


def cmd_report_you(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    build_personal(args.activity_dir, args.year, args.top_n, args.data_dir, args.reports_dir)
    print(
        f"private report ready in {time.perf_counter() - started:.1f}s under "
        f"{args.reports_dir or private_reports_root()} (git-ignored; not on the public index)"
    )
    return 0


def year_and_top_n(command: argparse.ArgumentParser, top_n_help: str) -> None:
    """The options the public and the private report share: which years, and how many models are named."""
    command.add_argument("--year", type=_years, default=None, help="a year, several, or 'all' (default)")
    command.add_argument("--top-n", type=int, default=config.TOP_N, help=top_n_help)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tokentrends", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("report", help="build reports/<year>/ and reports/index.html")
    r.add_argument("--data-dir", default=None, help="folder of vintages (default data/raw; sample if empty)")
    year_and_top_n(r, f"models shown by name per week (default {config.TOP_N}, at most {config.MAX_TOP_N})")
    r.add_argument("--reports-dir", default=None, help="output folder (default reports/)")
    r.add_argument("--jobs", type=int, default=None, help="years built in parallel (default: cores)")
    r.set_defaults(func=cmd_report)

    pr = sub.add_parser("prepare", help="validate and merge vintages into data/processed/")
    pr.add_argument("--data-dir", default=None)
    pr.set_defaults(func=cmd_prepare)

    f = sub.add_parser("fetch", help="fetch missing rankings-daily windows and the models catalog")
    f.add_argument("--data-dir", default=None, help="the archive (default data/raw)")
    f.add_argument("--until", default=None, help="last day to fetch, YYYY-MM-DD (default: last complete UTC day)")
    f.add_argument("--no-models", action="store_true", help="skip the models catalog")
    f.add_argument("--no-demand", action="store_true", help="skip app-rankings, task classifications, session cost")
    f.set_defaults(func=cmd_fetch)

    g = sub.add_parser("figures", help="draw the static PNG/SVG chart files of built reports (make report does it too)")
    g.add_argument("--reports-dir", default=None, help="the reports folder (default reports/)")
    g.set_defaults(func=cmd_figures)

    a = sub.add_parser("add-activity", help="add a hand-saved /api/v1/activity response as a private vintage")
    a.add_argument("file", help="the saved JSON response")
    a.add_argument("--retrieved-at", default=None, help="when it was retrieved, ISO time (asked for when absent)")
    a.add_argument("--activity-dir", default=None, help="the private archive (default data/private)")
    a.set_defaults(func=cmd_add_activity)

    fa = sub.add_parser("fetch-activity", help="fetch your last 30 days of activity (OPENROUTER_MANAGEMENT_KEY)")
    fa.add_argument("--activity-dir", default=None, help="the private archive (default data/private)")
    fa.add_argument("--file", default=None, help="add this saved response instead of fetching")
    fa.add_argument("--retrieved-at", default=None, help="with --file: when it was retrieved, ISO time")
    fa.set_defaults(func=cmd_fetch_activity)

    y = sub.add_parser("report-you", help="build your private year next to the market into reports/private/<year>/")
    y.add_argument("--activity-dir", default=None, help="your activity pulls (default data/private; sample if empty)")
    y.add_argument("--data-dir", default=None, help="the market's vintages (default data/raw)")
    year_and_top_n(y, f"the market's top models compared with yours (default {config.TOP_N})")
    y.add_argument("--reports-dir", default=None, help="output folder (default reports/private)")
    y.set_defaults(func=cmd_report_you)

    s = sub.add_parser("sample", help="write the synthetic sample vintage")
    s.add_argument("--out", default="data/sample")
    s.add_argument("--seed", type=int, default=2025)
    s.set_defaults(func=cmd_sample)
    return p


def os_error_line(exc: OSError) -> str:
    """`cannot write /x/y: no space left on the device` rather than `unexpected OSError`."""
    hints = {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "the disk quota is used up",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOENT: "no such file or folder",
    }
    reason = hints.get(exc.errno or 0) or exc.strerror or str(exc)
    where = f" {exc.filename}" if exc.filename else ""
    return f"cannot use{where}: {reason} (nothing half-written is kept; fix it and run the same command again)"


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        return args.func(args)
    except TokentrendsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        interrupt_handled()
        print(INTERRUPTED, file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Python flushes stdout as it exits, which would fail on the closed pipe again: it writes nowhere now.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(OUTPUT_CLOSED, file=sys.stderr)
        return 141
    except OSError as exc:  # the machine, not the code: a full disk, a read-only or unreadable folder
        print(f"error: {os_error_line(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug, not bad input: one line for the user, the traceback on request
        if os.environ.get("TOKENTRENDS_DEBUG"):
            traceback.print_exc()
        print(
            f"error: unexpected {type(exc).__name__}: {exc} (set TOKENTRENDS_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 1
