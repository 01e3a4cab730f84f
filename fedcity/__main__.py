"""`python -m fedcity` → fedcity.cli.main."""

import sys

from fedcity.cli import main

sys.exit(main())
