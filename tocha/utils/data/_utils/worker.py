"""``torch.utils.data._utils.worker``: worker info and the exception carrier."""
from .._worker import ExceptionWrapper, WorkerInfo, get_worker_info  # noqa: F401
