"""``python -m privaudit`` — same as the ``privaudit`` command."""

import sys

from privaudit.cli import main

sys.exit(main())
