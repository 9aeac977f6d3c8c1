"""``python -m tocha.distributed._exec prog args``: set torchrun's rank variables from the MPI
launcher's, then become `prog` (the launcher's ``--no-python`` mode)."""
from __future__ import annotations

import os
import sys

from ._mpi import set_launch_env

if __name__ == "__main__":
    set_launch_env()
    os.execvp(sys.argv[1], sys.argv[1:])
