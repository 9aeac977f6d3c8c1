"""`tocha.random`: the seeding and state functions of the default generator."""
from ._random_api import (  # noqa: F401
                          default_generator,
                          fork_rng,
                          get_rng_state,
                          initial_seed,
                          manual_seed,
                          seed,
                          set_rng_state,
)
from ._streams import thread_safe_generator  # noqa: F401  (branch w-scipyops)
