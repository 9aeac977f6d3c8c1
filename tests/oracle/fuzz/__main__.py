"""`python -m fuzz` from tests/oracle: the long mode (FUZZ_SECONDS, FUZZ_SEED)."""
import sys

from .run import main

sys.exit(main())
