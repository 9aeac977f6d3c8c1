"""tocha.optim: PyTorch's optimizers and learning-rate schedulers."""
from . import lr_scheduler
from ._stateless import swap_in_optimizer_params_and_state
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .muon import Muon
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD
from .sparse_adam import SparseAdam  # sparse gradients (nn.Embedding(sparse=True))

__all__ = [
    "ASGD",
    "LBFGS",
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Muon",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
    "SparseAdam",
    "lr_scheduler",
    "swa_utils",
    "swap_in_optimizer_params_and_state",
]


def __getattr__(name: str):
    # swa_utils needs tocha.nn; imported on first use
    if name == "swa_utils":
        import importlib
        return importlib.import_module(".swa_utils", __name__)
    from .._missing import missing_attr
    raise missing_attr(__name__, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"swa_utils"})
