"""`python -m tokentrends` and the `tokentrends` command: the command line (cli.py)."""

import sys
from typing import NoReturn

from tokentrends.errors import INTERRUPTED
from tokentrends.signals import ignore_late_interrupts, interrupt_handled


def run() -> NoReturn:
    try:
        # ~0.5 s of imports (pandas, the build): a Ctrl-C here is one line too
        from tokentrends.cli import main  # noqa: PLC0415
    except KeyboardInterrupt:
        interrupt_handled()
        print(INTERRUPTED, file=sys.stderr)
        raise SystemExit(130) from None
    status = main()
    ignore_late_interrupts()
    raise SystemExit(status)


if __name__ == "__main__":
    run()
