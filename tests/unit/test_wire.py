"""The wire's checks, without a child: frames, archives, schemas, text, deadlines."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
import torch

from game.core.result import clean_text
from game.engine import wire
from game.engine.supervisor import DeadlineExceeded, call_with_deadline


def payload(message: object) -> bytes:
    return wire.encode_frame(message)[wire.HEADER.size:]  # type: ignore[arg-type]


def test_a_message_round_trips():
    out = torch.arange(3.0)
    msg = {"phase": "case", "index": 0, "output": {"__tensor__": out, "device": "cpu",
                                                    "grad_fn": False},
           "calls": ["add"], "time_ns": 5, "stray": "dropped"}
    got = wire.decode_phase(payload(msg))
    assert torch.equal(got["output"]["__tensor__"], out)
    assert "stray" not in got and got["calls"] == ["add"]


def test_the_reader_splits_frames_and_checks_headers():
    reader = wire.FrameReader()
    data = wire.encode_frame({"phase": "done"}) * 2
    assert len(list(reader.feed(data[:5]))) == 0
    assert len(list(reader.feed(data[5:]))) == 2 and not reader.partial
    with pytest.raises(wire.WireError, match="header"):
        list(wire.FrameReader().feed(b"\0" * 32))
    huge = wire.HEADER.pack(wire.MAGIC, wire.WIRE_VERSION, 1 << 40)
    with pytest.raises(wire.WireError, match="larger"):
        list(wire.FrameReader().feed(huge))


def test_compressed_records_are_refused_before_decoding():
    stored = zipfile.ZipFile(io.BytesIO(payload({"phase": "done", "x": torch.zeros(1 << 16)})))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in stored.infolist():
            z.writestr(info.filename, stored.read(info.filename))
    with pytest.raises(wire.WireError, match="compressed"):
        wire.decode_phase(buf.getvalue())


def test_too_many_records_are_refused_from_the_end_record():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(wire.MAX_RECORDS + 1):
            z.writestr(f"r{i}", b"")
    with pytest.raises(wire.WireError, match="records"):
        wire.check_archive(buf.getvalue())


@pytest.mark.parametrize("message", [
    {"phase": "case"},
    {"phase": "case", "index": True},
    {"phase": "case", "index": 0, "time_ns": "fast"},
    {"phase": "case", "index": 0, "calls": [1]},
    {"phase": "case", "index": 0, "output": {"__seq__": "set", "items": []}},
    {"phase": "case", "index": 0, "output": {"__tensor__": 1}},
    {"phase": "case", "index": 0, "params": [1]},
    {"phase": "static", "findings": [{"rule": "x", "message": 1}]},
    {"phase": "loaded", "loop": {"name": None}},
    {"phase": "nope"},
    ["phase", "case"],
])
def test_ill_typed_messages_are_wire_errors(message):
    with pytest.raises(wire.WireError):
        wire.decode_phase(payload(message))


def test_a_shared_structure_is_not_walked_exponentially():
    level: list = [1]
    for _ in range(40):
        level = [level, level]
    with pytest.raises(wire.WireError, match="items"):
        wire.decode_phase(payload({"phase": "case", "index": 0, "output": 0, "pad": level}))


def test_text_is_cleaned():
    assert clean_text("a\udcff\x1b[2J\r\nb\tc") == "a\ufffd\ufffd[2J\n\nb\tc"
    got = wire.decode_phase(payload({"phase": "case", "index": 0, "output_text": "\ud800"}))
    assert got["output_text"] == "\ufffd"


def test_a_call_past_its_deadline_is_interrupted():
    def spin() -> None:
        while True:
            pass

    start = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        call_with_deadline(spin, 0.2)
    assert time.monotonic() - start < 5
    assert call_with_deadline(lambda: 7, 1.0) == 7
    with pytest.raises(KeyError):
        call_with_deadline(lambda: {}["x"], 1.0)
