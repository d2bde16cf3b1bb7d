"""``python -m ngproof``."""
import sys

from ngproof.cli import main

sys.exit(main())
