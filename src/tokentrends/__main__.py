"""`python -m tokentrends`: the command line (cli.py)."""

import sys

from tokentrends.errors import INTERRUPTED
from tokentrends.signals import interrupt_handled

try:
    from tokentrends.cli import main  # ~0.5 s of imports (pandas, the build): a Ctrl-C here is one line too
except KeyboardInterrupt:
    interrupt_handled()
    print(INTERRUPTED, file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
