"""The wire: every message between the judge and the child that runs a submission.

One frame carries one message. A frame is a 16-byte header (magic, wire version, payload length)
followed by a `torch.save` archive of a dict of plain data. Two kinds of frame cross:

- the *job* (judge -> child): the source, the rules and the cases; trusted, written by us;
- *phases* (child -> judge): `hello`, `static`, `loaded`, one `case` per case, `done`, ... .
  These are written by a process that ran the submission, so each one is a claim: the judge
  checks the header, the size, the archive's records (stored, never compressed) and the pickle's
  size *before* decoding, decodes with `weights_only=True`, then walks the result with a budget
  of items and checks every field against the phase's schema below. Anything else is a
  `WireError`, which is the submission's fault.

Text from the child is cleaned (`clean_text`) so that every string that reaches a verdict is
valid, printable Unicode (the Result's models clean every string set on them as well).
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterator
from typing import Any

import torch

from game.core.result import clean_text
from game.engine.compare import odd_tensor

WIRE_VERSION = 1
MAGIC = b"TRCH"
HEADER = struct.Struct("<4sIQ")  # magic, version, payload length
MAX_JOB = 1 << 31  # the judge's own job frame (cases can be large)
MAX_FRAME = 256 << 20  # one frame from the child
MAX_RUN_BYTES = 1 << 30  # every frame of one run together, held in the judge at most
# The pickled structure of a frame (tensors' bytes are separate records): torch's safe unpickler
# reads about 1 MB/s of the worst opcodes, so this also bounds one frame's decoding time.
MAX_PICKLE = 2 << 20
MAX_RECORDS = 100_000  # records (tensor storages) in one frame's archive
MAX_ITEMS = 200_000  # containers and leaves in one decoded message
MAX_DEPTH = 64


class WireError(Exception):
    """A frame that is not a well-formed message of this wire: always the sender's fault."""


# -- frames -------------------------------------------------------------------------------------

def encode_frame(message: dict[str, Any]) -> bytes:
    """A message as one frame (header + torch.save archive, records stored uncompressed)."""
    buf = io.BytesIO()
    torch.save(message, buf)
    data = buf.getvalue()
    return HEADER.pack(MAGIC, WIRE_VERSION, len(data)) + data


def load_job(data: bytes) -> dict[str, Any]:
    """The job frame, in the child (written by the judge: trusted, still loaded as plain data)."""
    magic, version, size = HEADER.unpack_from(data)
    if magic != MAGIC or version != WIRE_VERSION or size != len(data) - HEADER.size:
        raise WireError("the job frame is not of this wire version")
    return torch.load(io.BytesIO(data[HEADER.size:]), weights_only=True)


class FrameReader:
    """Splits the child's byte stream into frame payloads, checking each header before a single
    payload byte is kept."""

    def __init__(self, max_frame: int = MAX_FRAME, max_total: int = MAX_RUN_BYTES) -> None:
        self.buf = bytearray()
        self.max_frame, self.max_total, self.total = max_frame, max_total, 0

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        """Yield every complete payload; raise WireError at the first bad header."""
        self.total += len(chunk)
        if self.total > self.max_total:
            raise WireError(f"the results were larger than {self.max_total >> 20} MiB in all")
        self.buf += chunk
        while len(self.buf) >= HEADER.size:
            magic, version, size = HEADER.unpack_from(self.buf)
            if magic != MAGIC:
                raise WireError("a result message did not start with the wire's header")
            if version != WIRE_VERSION:
                raise WireError(f"a result message had wire version {version}")
            if size > self.max_frame:
                raise WireError(f"a result message was larger than {self.max_frame >> 20} MiB")
            if len(self.buf) < HEADER.size + size:
                return
            payload = bytes(self.buf[HEADER.size:HEADER.size + size])
            del self.buf[:HEADER.size + size]
            yield payload

    @property
    def partial(self) -> bool:
        """Bytes of an unfinished frame are waiting (the sender stopped mid-frame)."""
        return bool(self.buf)


def _entry_count(data: bytes) -> int:
    """The number of records a zip archive declares, read from its end record (zip64 too),
    before anything parses its directory."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - (1 << 16) - 22))
    if end < 0 or end + 22 > len(data):
        raise WireError("a result message was not an archive")
    (count,) = struct.unpack_from("<H", data, end + 10)
    if count == 0xFFFF:
        loc = end - 20
        if loc < 0 or data[loc:loc + 4] != b"PK\x06\x07":
            raise WireError("a result message had a broken archive directory")
        (rec,) = struct.unpack_from("<Q", data, loc + 8)
        if rec + 56 > len(data) or data[rec:rec + 4] != b"PK\x06\x06":
            raise WireError("a result message had a broken archive directory")
        (count,) = struct.unpack_from("<Q", data, rec + 32)
    return count


def check_archive(data: bytes) -> None:
    """Refuse an archive before torch reads it: too many records, a compressed record (a few MB
    can inflate to GiB), records that claim more bytes than the frame holds, or a pickle too
    large to decode in bounded time."""
    if _entry_count(data) > MAX_RECORDS:
        raise WireError(f"a result message held more than {MAX_RECORDS:,} records")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error) as exc:
        raise WireError(f"a result message was not a readable archive ({exc})") from None
    if len(infos) > MAX_RECORDS:
        raise WireError(f"a result message held more than {MAX_RECORDS:,} records")
    total = 0
    for info in infos:
        if info.compress_type != zipfile.ZIP_STORED:
            raise WireError("a result message held a compressed record")
        if info.file_size != info.compress_size:
            raise WireError("a result message held a record whose sizes disagree")
        if info.filename.endswith("data.pkl") and info.file_size > MAX_PICKLE:
            raise WireError(f"a result message's structure was larger than "
                            f"{MAX_PICKLE >> 20} MiB")
        total += info.file_size
    if total > len(data):
        raise WireError("a result message's records claim more bytes than it holds")


def decode_phase(payload: bytes) -> dict[str, Any]:
    """One phase message from the child, checked, decoded and validated; WireError otherwise."""
    check_archive(payload)
    try:
        # Sparse tensors are validated while loading (forged indices raise here).
        with torch.sparse.check_sparse_tensor_invariants():
            message = torch.load(io.BytesIO(payload), weights_only=True)
    except Exception as exc:  # noqa: BLE001 - untrusted bytes: refuse, never unpickle
        raise WireError(f"the result channel carried something other than plain data "
                        f"({type(exc).__name__})") from None
    message = sanitize(message)
    return validate(message)


# -- plain data ---------------------------------------------------------------------------------

class _Budget:
    def __init__(self, items: int) -> None:
        self.left = items

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise WireError(f"a result message held more than {MAX_ITEMS:,} items")


def _odd(t: Any) -> str | None:
    if type(t) is not torch.Tensor:
        return "a Tensor subclass"
    return odd_tensor(t, received=True)


def sanitize(value: Any, depth: int = 0, budget: _Budget | None = None) -> Any:
    """A message from the child with every tensor that is not plain, dense and strided replaced
    by an `__unsupported__` marker before anything in the judge touches its data (a sparse tensor
    with forged indices could crash the process that densifies it), every string cleaned, and at
    most MAX_ITEMS items walked (a structure that repeats a list in itself is not walked 2^64
    times)."""
    budget = budget or _Budget(MAX_ITEMS)
    budget.spend()
    if depth > MAX_DEPTH:
        return {"__unsupported__": "nesting deeper than the checks read"}
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, torch.Tensor):
        why = _odd(value)
        return {"__unsupported__": why} if why else value
    if isinstance(value, dict):
        inner = value.get("__tensor__")
        if isinstance(inner, torch.Tensor) and (why := _odd(inner)):
            return {"__unsupported__": why}
        return {sanitize(k, depth + 1, budget): sanitize(v, depth + 1, budget)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(sanitize(v, depth + 1, budget) for v in value)
    return value


# -- the phases ---------------------------------------------------------------------------------

ANY = object
OPT_INT = (int, type(None))
OPT_STR = (str, type(None))
OPT_DICT = (dict, type(None))

# phase -> field -> (accepted types, required). Fields not listed are dropped.
PHASES: dict[str, dict[str, tuple[Any, bool]]] = {
    "hello": {"seccomp": (bool, False), "landlock": (ANY, False), "caps_dropped": (ANY, False),
              "cuda": (bool, False), "mps": (bool, False), "private_kib": (OPT_INT, False)},
    "syntax": {"message": (str, True), "line": (OPT_INT, False), "col": (OPT_INT, False)},
    "static": {"findings": (list, True), "entry_error": (OPT_STR, False),
               "chars": (OPT_INT, False)},
    "device_error": {"message": (str, True)},
    "device": {"device": (str, True)},
    "harness_error": {"message": (str, True)},
    "module_error": {"kind": (str, False), "traceback": (str, False), "output": (str, False),
                     "loop": (OPT_DICT, False), "refused": (OPT_DICT, False)},
    "loaded": {"output": (str, False), "calls": (list, False), "traced": (bool, False),
               "loop": (OPT_DICT, False), "refused": (OPT_DICT, False)},
    "signature": {"message": (str, True)},
    "case": {"index": (int, True), "output": (ANY, False), "time_ns": (int, False),
             "traced": (bool, False), "error": (str, False), "kind": (str, False),
             "calls": (list, False), "loop": (OPT_DICT, False), "refused": (OPT_DICT, False),
             "output_text": (str, False), "inputs_after": (ANY, False), "grads": (ANY, False),
             "peak_bytes": (int, False), "params": (list, False),
             "param_count": (int, False)},
    "output_limit": {"preview": (str, False)},
    "done": {},
}
_FINDING = {"rule": str, "message": str, "line": OPT_INT, "col": OPT_INT}
_LOOP = {"name": str, "line": OPT_INT}
_REFUSED = {"rule": str, "message": str}


def _is(value: Any, types: Any) -> bool:
    if types is ANY:
        return True
    options = types if isinstance(types, tuple) else (types,)
    # bool is an int to isinstance; a field that wants an int wants a number, not True.
    return any(type(value) is t or (t is not int and t is not bool and isinstance(value, t))
               for t in options)


def _check_record(what: str, value: dict, fields: dict[str, Any]) -> None:
    for name, types in fields.items():
        if not _is(value.get(name), types):
            raise WireError(f"a `{what}` record had a field `{name}` of the wrong type")


def validate(message: Any) -> dict[str, Any]:
    """The message with only its phase's fields, each of the declared type; WireError when a
    field is missing or ill-typed, or the phase is unknown."""
    if type(message) is not dict:
        raise WireError("the result channel carried something other than a message")
    phase = message.get("phase")
    if type(phase) is not str or phase not in PHASES:
        raise WireError("the result channel carried a message of no known kind")
    fields = PHASES[phase]
    clean: dict[str, Any] = {"phase": phase}
    for name, (types, required) in fields.items():
        if name not in message:
            if required:
                raise WireError(f"a `{phase}` message had no `{name}`")
            continue
        value = message[name]
        if not _is(value, types):
            raise WireError(f"a `{phase}` message had a `{name}` of the wrong type")
        clean[name] = value
    for finding in clean.get("findings", []):
        if type(finding) is not dict:
            raise WireError("a `static` message had a finding that is not a record")
        _check_record("finding", finding, _FINDING)
    for name in ("loop", "refused"):
        if isinstance(clean.get(name), dict):
            _check_record(name, clean[name], _LOOP if name == "loop" else _REFUSED)
    if not all(type(c) is str for c in clean.get("calls", [])):
        raise WireError("a list of calls held something other than names")
    if not all(type(p) is torch.Tensor for p in clean.get("params", [])):
        raise WireError("a list of parameters held something other than tensors")
    for name in ("output", "inputs_after"):
        if name in clean:
            check_encoded(clean[name], name)
    grads = clean.get("grads")
    if isinstance(grads, dict) and not (grads.get("__no_graph__") is True
                                        or type(grads.get("__grad_error__")) is str):
        check_encoded(grads, "grads")
    return clean


_PLAIN = (int, float, bool, str, type(None), torch.dtype, torch.device)


def check_encoded(value: Any, where: str, depth: int = 0) -> None:
    """An encoded value (see `runner.encode`) must have exactly the runner's forms: a plain
    scalar, or a dict tagged `__tensor__`, `__seq__`, `__size__`, `__dict__` or `__unsupported__`
    with fields of the right types. WireError otherwise (the checks then never meet a form they
    do not know)."""
    if depth > MAX_DEPTH:
        raise WireError(f"the `{where}` of a result was nested too deeply")
    if type(value) in _PLAIN:
        return
    bad = WireError(f"the `{where}` of a result was not in the runner's encoding")
    if type(value) is not dict:
        raise bad
    if "__unsupported__" in value:
        if type(value["__unsupported__"]) is not str:
            raise bad
    elif "__tensor__" in value:
        if type(value["__tensor__"]) is not torch.Tensor or type(value.get("device", "cpu")) \
                is not str or type(value.get("grad_fn", False)) is not bool:
            raise bad
        try:
            torch.device(value.get("device", "cpu"))
        except (RuntimeError, ValueError):
            raise bad from None
    elif "__seq__" in value:
        items = value.get("items")
        if value["__seq__"] not in ("tuple", "list") or type(items) is not list:
            raise bad
        for item in items:
            check_encoded(item, where, depth + 1)
    elif "__size__" in value:
        size = value["__size__"]
        if type(size) not in (tuple, list) or not all(type(n) is int and n >= 0 for n in size):
            raise bad
    elif "__dict__" in value:
        inner = value["__dict__"]
        if type(inner) is not dict or not all(type(k) is str for k in inner):
            raise bad
        for item in inner.values():
            check_encoded(item, where, depth + 1)
    else:
        raise bad
