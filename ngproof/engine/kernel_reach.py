"""Which modules of ``ngproof.kernels`` a claim's code can reach, for its cache key.

Starting from the claim's body, follow every global name its code (nested
functions and lambdas included) looks up: a function, class or object of a
kernels module names that module; a function or class of the course's own code
(the theorem module, its helpers) is followed in turn, with its defaults,
closure and wrapped function.  The kernels modules found are closed under their
own imports.  Where the code could reach the kernels in a way this cannot see —
an ``import`` inside a function, attribute access through the ``ngproof`` or
``ngproof.kernels`` package — the answer is ``None``: every kernel counts.
"""
from __future__ import annotations

import functools
import sys
import types
from collections.abc import Callable, Iterable

KERNELS = "ngproof.kernels"
_OPAQUE = object()  # a reach that cannot be told statically


def _module_of(value) -> str:
    if isinstance(value, types.ModuleType):
        return value.__name__
    module = getattr(value, "__module__", None)
    if not isinstance(module, str):
        module = getattr(type(value), "__module__", None)
    return module if isinstance(module, str) else ""


def _is_kernel(module: str) -> bool:
    return module == KERNELS or module.startswith(KERNELS + ".")


class _Walk:
    """One traversal from a claim body: the kernels modules found, or opaque."""

    def __init__(self, own: Callable[[str], bool]) -> None:
        self.own = own  # whether a module is the course's code (followed), not a library's (skipped)
        self.found: set[str] = set()
        self.opaque = False
        self.seen: set[int] = set()

    def value(self, value, depth: int = 0) -> None:
        if id(value) in self.seen or self.opaque:
            return
        self.seen.add(id(value))
        module = _module_of(value)
        if isinstance(value, types.ModuleType):
            if module in (KERNELS, "ngproof"):
                self.opaque = True  # attribute access through the package: any kernel
            elif _is_kernel(module):
                self.found.add(module)
            elif self.own(module):
                for member in vars(value).values():
                    self.value(member, depth)
        elif _is_kernel(module):
            self.found.add(module)
        elif isinstance(value, functools.partial):
            for part in (value.func, *value.args, *value.keywords.values()):
                self.value(part, depth)
        elif isinstance(value, types.FunctionType) and self.own(module):
            self.function(value)
        elif isinstance(value, type) and self.own(module):
            for member in vars(value).values():
                self.value(getattr(member, "__func__", member), depth)
        elif isinstance(value, (list, tuple, set, frozenset, dict)) and depth < 3:
            for item in (value.values() if isinstance(value, dict) else value):
                self.value(item, depth + 1)
        elif self.own(module) and not isinstance(value, type):
            self.value(type(value), depth)  # an instance of the course's own class: its methods

    def function(self, function: types.FunctionType) -> None:
        self.code(function.__code__, function.__globals__)
        extras = [*(function.__defaults__ or ()), *(function.__kwdefaults__ or {}).values(),
                  getattr(function, "__wrapped__", None)]
        for cell in function.__closure__ or ():
            try:
                extras.append(cell.cell_contents)
            except ValueError:  # an empty cell
                pass
        for extra in extras:
            self.value(extra)

    def code(self, code: types.CodeType, scope: dict) -> None:
        for name in code.co_names:
            if name == "ngproof" or name.startswith("ngproof."):
                self.opaque = True  # an import inside the function: cannot be followed here
                return
            if name in scope:
                self.value(scope[name])
        for constant in code.co_consts:
            if isinstance(constant, types.CodeType):
                self.code(constant, scope)


def _closure(modules: Iterable[str]) -> set[str]:
    """``modules`` with every kernels module they import, and the package's ``__init__`` (run by any import)."""
    result, pending = {KERNELS}, list(modules)
    while pending:
        name = pending.pop()
        if name in result:
            continue
        result.add(name)
        module = sys.modules.get(name)
        for value in vars(module).values() if module else ():
            other = _module_of(value)
            if _is_kernel(other) and other not in result:
                pending.append(other)
    return result


def kernels_reached(body: Callable, own: Callable[[str], bool]) -> set[str] | None:
    """Names of the kernels modules ``body`` can reach (closed under imports), or ``None`` if not knowable.

    ``own(module_name)``: whether a module is the course's code, to be followed.
    """
    walk = _Walk(own)
    if isinstance(body, types.FunctionType):
        walk.function(body)
    else:
        walk.value(body)
    if walk.opaque:
        return None
    return _closure(walk.found) if walk.found else set()
