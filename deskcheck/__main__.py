import sys

from deskcheck.cli import main

sys.exit(main())
