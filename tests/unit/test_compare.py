"""The comparison rules: exact shapes and dtypes, tolerances, NaN policy, types."""

from __future__ import annotations

import pytest
import torch

from game.engine.compare import compare, shape_hint
from game.engine.runner import encode


def check(expected, got, **kw):
    return compare(expected, encode(got), **kw)


def test_equal_tensors_pass():
    x = torch.randn(3, 4)
    assert check(x, x.clone()) is None


@pytest.mark.parametrize(("expected", "got", "kind"), [
    (torch.zeros(1), torch.tensor(0.0), "shape"),
    (torch.tensor(0.0), torch.zeros(1), "shape"),
    (torch.zeros(1, 3), torch.zeros(3), "shape"),
    (torch.zeros(2, 3), torch.zeros(1, 3), "shape"),
    (torch.zeros(3), torch.zeros(3, dtype=torch.float64), "dtype"),
    (torch.zeros(3, dtype=torch.int64), torch.zeros(3, dtype=torch.bool), "dtype"),
    (torch.zeros(3, dtype=torch.int64), torch.zeros(3, dtype=torch.int32), "dtype"),
])
def test_broadcastable_or_castable_is_still_wrong(expected, got, kind):
    found = check(expected, got)
    assert found is not None and found.kind == kind


def test_shape_hints():
    assert "keepdim" in shape_hint((3, 1), (3,))
    assert "scalar" in shape_hint((1,), ())
    assert "swapped" in shape_hint((2, 3), (3, 2))
    assert "extra" in shape_hint((3,), (1, 3))


def test_float32_default_tolerance():
    x = torch.tensor([1.0, 2.0])
    assert check(x, x + 1e-7) is None
    found = check(x, x + 1e-3)
    assert found.kind == "values" and "index (0,)" in found.message


def test_custom_and_exact_tolerance():
    x = torch.tensor([1.0])
    assert check(x, x + 1e-3, rtol=0, atol=1e-2) is None
    assert check(x, x + 1e-7, exact=True).kind == "values"


def test_nan_fails_unless_reference_has_nan_there():
    e = torch.tensor([1.0, float("nan")])
    assert check(e, e.clone()) is None
    found = check(torch.tensor([1.0, 2.0]), torch.tensor([float("nan"), 2.0]))
    assert found.kind == "nan" and "(0,)" in found.message
    assert check(torch.tensor([1.0]), torch.tensor([float("inf")])).kind == "nan"


def test_types_are_exact():
    class Sub(torch.Tensor):
        pass

    assert check(torch.zeros(2), torch.zeros(2).as_subclass(Sub)).kind == "type"
    assert check(torch.zeros(2), [0.0, 0.0]).kind == "type"
    assert check((torch.zeros(1), torch.ones(1)), [torch.zeros(1), torch.ones(1)]).kind == "type"
    assert check(3, 3.0).kind == "type"
    assert check(True, 1).kind == "type"
    assert check(torch.device("cpu"), "cpu").kind == "type"
    assert check(torch.device("cpu"), torch.device("cpu")) is None


def test_device_is_checked():
    got = encode(torch.zeros(2))
    got["device"] = "cuda:0"
    assert compare(torch.zeros(2), got, device="cpu").kind == "device"
    assert compare(torch.zeros(2), got, device="cuda") is None


def test_nested_structures():
    e = {"a": (torch.zeros(2), 1)}
    assert check(e, {"a": (torch.zeros(2), 1)}) is None
    assert check(e, {"a": (torch.zeros(2), 2)}).kind == "values"
    assert check(e, {"b": (torch.zeros(2), 1)}).kind == "shape"


def test_mutation_style_exact_comparison_treats_nan_as_equal():
    x = torch.tensor([float("nan"), 1.0])
    assert compare([x], encode([x.clone()]), exact=True) is None


def test_signed_zeros_only_where_the_check_asks_for_them():
    neg, pos = torch.tensor([-0.0, 1.0]), torch.tensor([0.0, 1.0])
    assert check(neg, pos, exact=True) is None
    found = check(neg, pos, exact=True, signed_zeros=True)
    assert found is not None and found.kind == "values" and "other sign" in found.message
    assert check(torch.tensor([float("nan")]), torch.tensor([-float("nan")]), exact=True,
                 signed_zeros=True) is None


def test_close_numbers_are_printed_with_the_digits_that_differ():
    found = check(torch.tensor([2.56027001], dtype=torch.float64),
                  torch.tensor([2.56027049], dtype=torch.float64))
    assert found is not None
    assert "expected 2.56027001, got 2.56027049" in found.message


@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support:UserWarning")
@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors:UserWarning")
@pytest.mark.parametrize(("make", "words"), [
    (lambda: torch.eye(3).to_sparse(), "sparse_coo tensor"),
    (lambda: torch.eye(3).to_sparse_csr(), "sparse_csr tensor"),
    (lambda: torch.nested.nested_tensor([torch.ones(2), torch.ones(3)]), "nested tensor"),
    (lambda: torch.empty(3, 3, device="meta"), "meta device"),
])
def test_tensors_that_are_not_plain_and_dense_are_wrong_answers(make, words):
    found = check(torch.eye(3), make())
    assert found is not None and found.kind == "type" and words in found.message


def test_forged_sparse_tensors_are_refused_before_anything_reads_them():
    import io

    from game.engine.compare import sanitize

    forged = torch.sparse_coo_tensor(torch.tensor([[10**9]]), torch.tensor([5.0]), (3,),
                                     check_invariants=False)
    buf = io.BytesIO()
    torch.save({"output": {"__tensor__": forged}}, buf)
    with pytest.raises(RuntimeError), torch.sparse.check_sparse_tensor_invariants():
        torch.load(io.BytesIO(buf.getvalue()), weights_only=True)
    valid = {"output": {"__tensor__": torch.eye(2).to_sparse()}, "x": [torch.ones(1)]}
    clean = sanitize(valid)
    assert "sparse_coo" in clean["output"]["__unsupported__"]
    assert type(clean["x"][0]) is torch.Tensor


def test_a_namedtuple_is_a_tuple():
    from collections import namedtuple

    Pair = namedtuple("Pair", "a b")
    assert check((torch.ones(1), torch.zeros(1)), Pair(torch.ones(1), torch.zeros(1))) is None
