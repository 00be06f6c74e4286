"""`python -m zhuanhua.cli`: the command line, as the compose stack's services run it."""

import sys

from zhuanhua.cli import main

sys.exit(main())
