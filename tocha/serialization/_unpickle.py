"""The restricted unpickler: data in, never code run, never outside state changed.

Built on pickle's pure-Python ``_Unpickler`` so that every opcode that calls or mutates can be
checked (the C unpickler offers a hook for GLOBAL only). With ``strict`` (weights_only=True):

* GLOBAL resolves only the names given (PyTorch's allowlist mapped to tocha, plus the user's);
* REDUCE / NEWOBJ call only what GLOBAL resolved in this load;
* BUILD sets state only on an ``OrderedDict`` or an instance of a user-allowed class, and only
  on an object this load created: never on a shared object such as a dtype or ``Size``;
* APPEND(S) / SETITEM(S) / ADDITEMS mutate only containers this load created;
* INST / OBJ / EXT* (protocols 0-1 and copyreg extensions) are refused.
"""
from __future__ import annotations

import _compat_pickle
import collections
import pickle
from collections.abc import Callable
from typing import Any, ClassVar

from ._allow import user_globals, weights_only_error

_P = pickle._Unpickler  # type: ignore[attr-defined]
_MISSING = object()
_CONTAINERS = (list, dict, set, collections.OrderedDict, collections.Counter,
               collections.defaultdict)


def _op(code: bytes) -> int:
    return code[0]


class SafeUnpickler(_P):  # type: ignore[misc,valid-type]
    """Unpickler whose globals, calls and mutations are checked (see the module doc)."""

    dispatch: ClassVar[dict] = dict(_P.dispatch)

    def __init__(self, file: Any, names: dict[str, Any], *, strict: bool,
                 persistent_load: Callable[[Any], Any] | None = None,
                 fallback: Callable[[str, str], Any] | None = None, **kw: Any) -> None:
        super().__init__(file, **kw)
        self._names = names
        self._user = user_globals()
        self._user_types = {v for v in self._user.values() if isinstance(v, type)}
        self._strict = strict
        self._pload = persistent_load
        self._fallback = fallback
        self._resolved: dict[int, Any] = {}   # id -> object GLOBAL gave (callable in REDUCE)
        self._made: dict[int, Any] = {}       # id -> object this load created (mutable)

    def persistent_load(self, pid: Any) -> Any:
        if self._pload is None:
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        return self._pload(pid)

    def find_class(self, module: str, name: str) -> Any:
        if self.proto < 3 and self.fix_imports:  # Python 2 names, as pickle itself maps them
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
        full = f"{module}.{name}"
        obj = self._names.get(full, _MISSING)
        if obj is _MISSING:
            obj = self._user.get(full, _MISSING)
        if obj is _MISSING:
            if self._strict or self._fallback is None:
                from ._allow import unsupported_global
                raise unsupported_global(full)
            obj = self._fallback(module, name)
        self._resolved[id(obj)] = obj
        return obj

    # --------------------------------------------------------------- checked opcodes
    def _check_call(self, func: Any, op: str) -> None:
        if self._strict and id(func) not in self._resolved:
            raise weights_only_error(f"Trying to call {op} for unrecognized function "
                                     f"{type(func).__name__}")

    def _check_mutable(self, target: Any, op: str) -> None:
        if not self._strict:
            return
        ok = id(target) in self._made and (isinstance(target, _CONTAINERS)
                                           or type(target) in self._user_types)
        if not ok:
            raise weights_only_error(f"{op} on {type(target).__name__} that this checkpoint did "
                                     "not create")

    def _made_top(self) -> None:
        top = self.stack[-1]
        self._made[id(top)] = top

    def load_reduce(self) -> None:
        self._check_call(self.stack[-2], "REDUCE")
        if self._strict:
            _check_args(self.stack[-2], self.stack[-1])
        _P.load_reduce(self)
        self._made_top()

    def load_newobj(self) -> None:
        cls = self.stack[-2]
        self._check_call(cls, "NEWOBJ")
        if self._strict and not isinstance(cls, type):
            raise weights_only_error("NEWOBJ on something that is not a class")
        _P.load_newobj(self)
        self._made_top()

    def load_newobj_ex(self) -> None:
        self._check_call(self.stack[-3], "NEWOBJ_EX")
        _P.load_newobj_ex(self)
        self._made_top()

    def load_build(self) -> None:
        inst, state = self.stack[-2], self.stack[-1]
        if self._strict:
            if id(inst) not in self._made:
                raise weights_only_error(f"BUILD on {type(inst).__name__} that this checkpoint "
                                         "did not create (it would change shared state)")
            if type(inst) is collections.OrderedDict:
                if not isinstance(state, dict):
                    raise weights_only_error("BUILD on OrderedDict with non-dict state")
                self.stack.pop()
                inst.__dict__.update(state)
                return
            if type(inst) not in self._user_types:
                raise weights_only_error(
                    "Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
                    f"`add_safe_globals`, but got {type(inst)}")
        _P.load_build(self)

    def _refused(self) -> None:
        if self._strict:
            raise weights_only_error("Unsupported operand in a weights-only checkpoint "
                                     "(INST/OBJ/EXT opcodes)")

    def load_inst(self) -> None:
        self._refused()
        _P.load_inst(self)

    def load_obj(self) -> None:
        self._refused()
        _P.load_obj(self)

    def load_ext(self, base: Callable) -> None:
        self._refused()
        base(self)

    def load_append(self) -> None:
        self._check_mutable(self.stack[-2], "APPEND")
        _P.load_append(self)

    def load_appends(self) -> None:
        self._check_mutable(self.metastack[-1][-1], "APPENDS")
        _P.load_appends(self)

    def load_setitem(self) -> None:
        self._check_mutable(self.stack[-3], "SETITEM")
        _P.load_setitem(self)

    def load_setitems(self) -> None:
        self._check_mutable(self.metastack[-1][-1], "SETITEMS")
        _P.load_setitems(self)

    def load_additems(self) -> None:
        self._check_mutable(self.metastack[-1][-1], "ADDITEMS")
        _P.load_additems(self)


def _check_args(func: Any, args: Any) -> None:
    """Allowed callables that could allocate without limit are refused such arguments:
    ``bytearray(10**12)`` would take a terabyte from a few bytes of pickle."""
    from .._tensor import Tensor
    if isinstance(func, type) and issubclass(func, Tensor):
        raise weights_only_error(f"REDUCE may not call {func.__name__} (tensors are rebuilt "
                                 "from storages only)")
    if func is bytearray and isinstance(args, tuple) and any(type(a) is int for a in args):
        raise weights_only_error("REDUCE may build a bytearray from bytes only, not a size")


def _creating(base: Callable) -> Callable:
    def run(self: SafeUnpickler) -> None:
        base(self)
        self._made_top()
    return run


for _code, _meth in ((pickle.REDUCE, "load_reduce"), (pickle.NEWOBJ, "load_newobj"),
                     (pickle.NEWOBJ_EX, "load_newobj_ex"), (pickle.BUILD, "load_build"),
                     (pickle.INST, "load_inst"), (pickle.OBJ, "load_obj"),
                     (pickle.APPEND, "load_append"), (pickle.APPENDS, "load_appends"),
                     (pickle.SETITEM, "load_setitem"), (pickle.SETITEMS, "load_setitems"),
                     (pickle.ADDITEMS, "load_additems")):
    SafeUnpickler.dispatch[_op(_code)] = getattr(SafeUnpickler, _meth)
def _ext(base: Callable) -> Callable:
    return lambda self: SafeUnpickler.load_ext(self, base)


for _code in (pickle.EXT1, pickle.EXT2, pickle.EXT4):
    SafeUnpickler.dispatch[_op(_code)] = _ext(_P.dispatch[_op(_code)])
for _code in (pickle.EMPTY_DICT, pickle.EMPTY_LIST, pickle.EMPTY_SET, pickle.DICT, pickle.LIST):
    SafeUnpickler.dispatch[_op(_code)] = _creating(_P.dispatch[_op(_code)])
