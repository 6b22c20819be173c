"""Comparison of the player's output with the reference, run in the judge only.

The player's output arrives as the runner's encoded form (tensors wrapped with their device), read
with `torch.load(weights_only=True)`. Everything here is exact about types, shapes and dtypes:
broadcasting never makes a wrong shape pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

# torch.testing.assert_close defaults (rtol, atol).
DEFAULT_TOLERANCES = {
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
    torch.complex64: (1.3e-6, 1e-5),
    torch.complex128: (1e-7, 1e-7),
}


@dataclass
class Mismatch:
    """Why an output is wrong. `kind` is one of: type, shape, dtype, device, values, nan,
    gradient, mutated, budget."""

    kind: str
    message: str
    expected: str = ""
    actual: str = ""


def fmt_number(x: float | int | bool) -> str:
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    return f"{x:.6g}"


def fmt_pair(a: float | int | bool, b: float | int | bool) -> tuple[str, str]:
    """Both numbers with just enough digits (up to 17) to show that they differ."""
    if isinstance(a, float) and isinstance(b, float) and a != b and \
            math.isfinite(a) and math.isfinite(b):
        for digits in (6, 9, 12, 17):
            fa, fb = f"{a:.{digits}g}", f"{b:.{digits}g}"
            if fa != fb:
                return fa, fb
    return fmt_number(a), fmt_number(b)


def describe_tensor(t: torch.Tensor, limit: int = 8) -> str:
    """`float32 (3, 5) [0.1, -2, …]`: dtype, shape and the first values."""
    shape = tuple(t.shape)
    dtype = str(t.dtype).replace("torch.", "")
    flat = t.detach().reshape(-1)[:limit].tolist()
    preview = ", ".join(fmt_number(v) for v in flat)
    more = ", …" if t.numel() > limit else ""
    return f"{dtype} {shape} [{preview}{more}]"


def describe(value: Any) -> str:
    """A short, human summary of an expected value or an encoded player value."""
    if type(value) is torch.Tensor:
        return describe_tensor(value)
    if isinstance(value, dict):
        if "__tensor__" in value and type(value["__tensor__"]) is torch.Tensor:
            dev = value.get("device", "cpu")
            suffix = f" on {dev}" if dev != "cpu" else ""
            return describe_tensor(value["__tensor__"]) + suffix
        if "__unsupported__" in value:
            return f"a {value['__unsupported__']}"
        if "__seq__" in value:
            inner = ", ".join(describe(v) for v in value.get("items", [])[:4])
            return f"{value['__seq__']} of {len(value.get('items', []))}: ({inner})"
        if "__size__" in value:
            return f"torch.Size({list(value['__size__'])})"
        if "__dict__" in value:
            return "dict with keys " + ", ".join(map(repr, list(value["__dict__"])[:8]))
        shown = ", ".join(f"{k!r}: {describe(v)}" for k, v in list(value.items())[:3])
        more = ", …" if len(value) > 3 else ""
        return f"dict of {len(value)}: {{{shown}{more}}}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(describe(v) for v in value[:4])
        return f"{type(value).__name__} of {len(value)}: ({inner})"
    if isinstance(value, float):
        return f"float {fmt_number(value)}"
    return f"{type(value).__name__} {value!r}"[:200]


def odd_tensor(t: torch.Tensor, *, received: bool = False) -> str | None:
    """Why `t` is not an ordinary dense tensor the checks can compare, or None. `received`: `t`
    came over the result channel, where every honest tensor is a dense copy."""
    if t.is_nested:
        return "nested tensor: return an ordinary dense tensor"
    if t.layout is not torch.strided:
        layout = str(t.layout).replace("torch.", "")
        return f"{layout} tensor: return an ordinary dense tensor (`.to_dense()`)"
    if t.is_meta:
        return "tensor on the meta device: it has a shape but no values"
    if t.is_quantized:
        return "quantized tensor: return an ordinary tensor (`.dequantize()`)"
    if received and t.numel() and t.numel() * t.element_size() > t.untyped_storage().nbytes():
        # Only a forged result can arrive like this (results are copied densely): an expanded
        # view whose reading would take far more memory than its bytes.
        return "tensor whose elements overlap in memory"
    return None


def sanitize(value: Any, depth: int = 0) -> Any:
    """A message from the child with every tensor that is not plain, dense and strided replaced
    by an `__unsupported__` marker, before anything in the judge touches its data (a sparse
    tensor with forged indices could crash the process that densifies it)."""
    if depth > 64:
        return {"__unsupported__": "nesting deeper than the checks read"}
    if isinstance(value, torch.Tensor):
        why = "a Tensor subclass" if type(value) is not torch.Tensor else odd_tensor(
            value, received=True)
        return {"__unsupported__": why} if why else value
    if isinstance(value, dict):
        inner = value.get("__tensor__")
        if isinstance(inner, torch.Tensor):
            why = "a Tensor subclass" if type(inner) is not torch.Tensor else odd_tensor(
                inner, received=True)
            if why:
                return {"__unsupported__": why}
        return {k: sanitize(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(sanitize(v, depth + 1) for v in value)
    return value


def decode(value: Any) -> Any:
    """The runner's encoded form back to plain values (tensors on CPU)."""
    if isinstance(value, dict):
        if "__tensor__" in value:
            return value["__tensor__"]
        if "__seq__" in value:
            items = [decode(v) for v in value.get("items", [])]
            return tuple(items) if value["__seq__"] == "tuple" else items
        if "__size__" in value:
            return torch.Size(value["__size__"])
        if "__dict__" in value:
            return {k: decode(v) for k, v in value["__dict__"].items()}
        if "__unsupported__" in value:
            return value
    return value


def shape_hint(expected: tuple[int, ...], got: tuple[int, ...]) -> str:
    """A guess at the usual cause of a shape mismatch."""
    if len(expected) == 1 and expected == (1,) and got == ():
        return "a 0-d scalar is not a (1,) vector: keep the dimension"
    if got == (1,) and expected == ():
        return "a (1,) vector is not a 0-d scalar"
    if len(got) == len(expected) - 1:
        for i, n in enumerate(expected):
            if n == 1 and expected[:i] + expected[i + 1:] == got:
                return f"dimension {i} of size 1 is missing: did you forget keepdim=True?"
    if len(got) == len(expected) + 1:
        for i, n in enumerate(got):
            if n == 1 and got[:i] + got[i + 1:] == expected:
                return f"an extra dimension of size 1 at position {i}"
    if len(got) == len(expected) and sorted(got) == sorted(expected):
        return "the same sizes in another order: are two dimensions swapped?"
    if math.prod(got) == math.prod(expected):
        return "the right number of elements arranged in the wrong shape"
    return ""


TRUE_DIVISION = (" (a division with `/` always gives a float: `/` is true division; `//` "
                 "divides and keeps integers)")


def constant_factor(expected: torch.Tensor, got: torch.Tensor) -> str | None:
    """`2` when `got` is `expected` times one constant other than 1 (a gradient off by a
    factor, a forgotten mean), to four significant digits; else None."""
    if expected.numel() < 2 or not bool(torch.isfinite(expected).all()) \
            or not bool(torch.isfinite(got).all()):
        return None
    e, g = expected.double().flatten(), got.double().flatten()
    nonzero = e != 0
    if int(nonzero.sum()) < 2 or bool((g[~nonzero] != 0).any()):
        return None
    ratios = g[nonzero] / e[nonzero]
    factor = float(ratios.median())
    if factor == 0 or abs(factor - 1) < 1e-3:
        return None
    if not bool(torch.isclose(ratios, torch.full_like(ratios, factor), rtol=1e-4, atol=0).all()):
        return None
    return f"{factor:.4g}"


def _first_index(mask: torch.Tensor) -> tuple[int, ...]:
    idx = mask.nonzero()
    return tuple(int(i) for i in idx[0]) if idx.numel() else ()


def compare_tensors(expected: torch.Tensor, got: torch.Tensor, *, path: str, exact: bool,
                    rtol: float | None, atol: float | None,
                    signed_zeros: bool = False) -> Mismatch | None:
    """Shape, dtype, then values (NaN is wrong unless the reference has NaN at that place)."""
    if got.shape != expected.shape:
        hint = shape_hint(tuple(expected.shape), tuple(got.shape))
        return Mismatch("shape", f"{path}: shape {tuple(got.shape)} but expected "
                        f"{tuple(expected.shape)}" + (f" ({hint})" if hint else ""),
                        describe_tensor(expected), describe_tensor(got))
    if got.dtype != expected.dtype:
        why = TRUE_DIVISION if got.is_floating_point() and not (
            expected.is_floating_point() or expected.is_complex()) else ""
        return Mismatch("dtype", f"{path}: dtype {str(got.dtype).replace('torch.', '')} but "
                        f"expected {str(expected.dtype).replace('torch.', '')}{why}",
                        describe_tensor(expected), describe_tensor(got))
    if expected.numel() == 0:
        return None
    if expected.is_floating_point() or expected.is_complex():
        e_nan, g_nan = expected.isnan(), got.isnan()
        bad_nan = g_nan & ~e_nan
        if bad_nan.any():
            at = _first_index(bad_nan)
            return Mismatch("nan", f"{path}: NaN at index {at} (count {int(bad_nan.sum())}) "
                            "where the reference has a number", describe_tensor(expected),
                            describe_tensor(got))
        e_inf, g_inf = expected.isinf(), got.isinf()
        bad_inf = g_inf & ~e_inf
        if bad_inf.any():
            at = _first_index(bad_inf)
            return Mismatch("nan", f"{path}: inf at index {at} where the reference is finite "
                            f"({fmt_number(float(expected[at]))})", describe_tensor(expected),
                            describe_tensor(got))
        if exact:
            close = (got == expected) | (e_nan & g_nan)
            if signed_zeros:  # -0.0 and 0.0 are equal numbers but different values
                close &= (got.signbit() == expected.signbit()) | (e_nan & g_nan)
        else:
            d_rtol, d_atol = DEFAULT_TOLERANCES.get(expected.dtype, (0.0, 0.0))
            close = torch.isclose(got, expected, rtol=d_rtol if rtol is None else rtol,
                                  atol=d_atol if atol is None else atol, equal_nan=True)
    else:
        close = got == expected
    if bool(close.all()):
        return None
    at = _first_index(~close)
    n_bad = int((~close).sum())
    exp_v, got_v = expected[at].item(), got[at].item()
    shown_e, shown_g = fmt_pair(exp_v, got_v)
    detail = f"{path}: {n_bad} of {expected.numel()} values differ; first at index {at}: " \
             f"expected {shown_e}, got {shown_g}"
    if exp_v == got_v and isinstance(exp_v, float):
        detail += " (the same number with the other sign: -0.0 and 0.0 are different values)"
    if expected.is_floating_point() and (factor := constant_factor(expected, got)):
        detail += f" (every value is {factor} times the expected one: a constant factor is " \
                  "missing or one too many)"
    elif (expected.is_floating_point()) and not exact:
        diff = (got.double() - expected.double()).abs()
        diff = torch.where(torch.isnan(diff), torch.zeros_like(diff), diff)
        detail += f" (largest difference {fmt_number(float(diff.max()))})"
    return Mismatch("values", detail, describe_tensor(expected), describe_tensor(got))


def compare(expected: Any, got: Any, *, path: str = "output", exact: bool = False,
            rtol: float | None = None, atol: float | None = None,
            device: str | None = None, signed_zeros: bool = False) -> Mismatch | None:
    """Compare an expected value with an encoded player value, recursively."""
    if type(expected) is torch.Tensor:
        if not (isinstance(got, dict) and type(got.get("__tensor__")) is torch.Tensor):
            return Mismatch("type", f"{path}: expected a torch.Tensor, got {describe(got)}",
                            describe(expected), describe(got))
        if device is not None and torch.device(got.get("device", "cpu")).type != \
                torch.device(device).type:
            return Mismatch("device", f"{path}: the tensor is on {got.get('device')} but the "
                            f"inputs were on {device}: keep results on the inputs' device",
                            describe(expected), describe(got))
        return compare_tensors(expected, got["__tensor__"], path=path, exact=exact, rtol=rtol,
                               atol=atol, signed_zeros=signed_zeros)
    if isinstance(expected, (tuple, list)):
        kind = type(expected).__name__
        if not (isinstance(got, dict) and got.get("__seq__") == kind):
            return Mismatch("type", f"{path}: expected a {kind} of {len(expected)}, got "
                            f"{describe(got)}", describe(expected), describe(got))
        items = got.get("items", [])
        if len(items) != len(expected):
            return Mismatch("shape", f"{path}: expected {len(expected)} items, got {len(items)}",
                            describe(expected), describe(got))
        for i, (e, g) in enumerate(zip(expected, items, strict=True)):
            found = compare(e, g, path=f"{path}[{i}]", exact=exact, rtol=rtol, atol=atol,
                            device=device, signed_zeros=signed_zeros)
            if found:
                return found
        return None
    if isinstance(expected, dict):
        inner = got.get("__dict__") if isinstance(got, dict) else None
        if not isinstance(inner, dict):
            return Mismatch("type", f"{path}: expected a dict, got {describe(got)}")
        if set(inner) != set(expected):
            missing = sorted(set(expected) - set(inner))
            extra = sorted(set(inner) - set(expected))
            return Mismatch("shape", f"{path}: keys differ (missing {missing}, unexpected "
                            f"{extra})")
        for key in expected:
            found = compare(expected[key], inner[key], path=f"{path}[{key!r}]", exact=exact,
                            rtol=rtol, atol=atol, device=device, signed_zeros=signed_zeros)
            if found:
                return found
        return None
    if isinstance(expected, torch.Size):
        if not (isinstance(got, dict) and tuple(got.get("__size__", ())) == tuple(expected)
                and "__size__" in got):
            return Mismatch("values", f"{path}: expected {describe(expected)}, got "
                            f"{describe(got)}")
        return None
    if type(got) is not type(expected):
        why = TRUE_DIVISION if type(expected) is int and type(got) is float else ""
        return Mismatch("type", f"{path}: expected {describe(expected)}, got {describe(got)}"
                        f"{why}", describe(expected), describe(got))
    if isinstance(expected, float):
        if math.isnan(expected) and math.isnan(got):
            return None
        tol_r = 1.3e-6 if rtol is None else rtol
        tol_a = 1e-5 if atol is None else atol
        if exact and got != expected or not math.isclose(got, expected, rel_tol=tol_r,
                                                         abs_tol=tol_a):
            return Mismatch("values", f"{path}: expected {fmt_number(expected)}, got "
                            f"{fmt_number(got)}")
        return None
    if got != expected:
        return Mismatch("values", f"{path}: expected {expected!r}, got {got!r}")
    return None
