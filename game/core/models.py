"""Content models: puzzles (puzzle.toml), scenes (Markdown + TOML front matter) and chapters."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from game.core.result import Status

PUZZLE_ID = re.compile(r"^(prologue|act1|act2|act3|act4|finale|gauntlet)\.[a-z0-9_]+$")
CHAPTER_IDS = ("prologue", "act1", "act2", "act3", "act4", "finale", "gauntlet")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hints(Strict):
    """Three tiers: the duck's question, the idea, almost the answer."""

    duck: str
    idea: str
    almost: str

    def tiers(self) -> list[str]:
        return [self.duck, self.idea, self.almost]


class Rules(Strict):
    """What a submission may and may not do; enforced statically (AST) and at run time."""

    loops: bool = True
    banned: list[str] = Field(default_factory=list)
    suggestions: dict[str, str] = Field(default_factory=dict)
    one_line: bool = False
    max_columns: int | None = None
    allowed_names: list[str] | None = None
    allowed_traced: list[str] | None = None
    processes: int = 0
    # "loopback": the declared processes may talk over 127.0.0.1 (e.g. a gloo process group);
    # no other network, ever.
    network: Literal["none", "loopback"] = "none"
    # Public torch modules a locked-down puzzle may reach besides torch, torch.nn,
    # torch.nn.functional, torch.linalg, torch.special, torch.fft and math.
    modules: list[str] = Field(default_factory=list)

    @field_validator("modules")
    @classmethod
    def _public_torch(cls, value: list[str]) -> list[str]:
        for name in value:
            parts = name.split(".")
            if parts[0] != "torch" or len(parts) < 2 or any(p.startswith("_") or not
                                                             p.isidentifier() for p in parts):
                raise ValueError(f"{name!r} is not a public torch module")
        return value
    lockdown: bool | None = None
    profile: Literal["exam"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _expand_profile(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("profile") == "exam":
            from game.core.exam import exam_rules

            merged: dict[str, Any] = exam_rules()
            suggestions = {**merged["suggestions"], **data.get("suggestions", {})}
            merged.update(data)
            merged["suggestions"] = suggestions
            return merged
        return data

    @property
    def locked_down(self) -> bool:
        """Constraint puzzles also ban the escape hatches that could switch the tracer off."""
        if self.lockdown is not None:
            return self.lockdown
        return bool(self.banned) or not self.loops or self.one_line or (
            self.allowed_names is not None
        )


class Limits(Strict):
    wall_s: float = Field(10.0, gt=0, le=120)
    memory_mb: int = Field(2048, gt=0)
    output_kib: int = Field(64, gt=0)
    source_kib: int = Field(64, gt=0)
    max_time_ratio: float | None = Field(None, gt=0)
    max_peak_mb: float | None = Field(None, gt=0)
    max_params: int | None = Field(None, gt=0)


class Concept(Strict):
    """An entry of the lab notebook."""

    name: str
    api: list[str] = Field(default_factory=list)
    text: str


class Mutant(Strict):
    """A plausible wrong answer in `mutants/<file>` and the verdict it must get."""

    file: str
    verdict: Status
    mismatch: str | None = None

    @field_validator("verdict")
    @classmethod
    def _not_pass(cls, value: Status) -> Status:
        if value is Status.PASS:
            raise ValueError("a mutant must fail; 'pass' is not a mutant's verdict")
        return value


Grid = Any  # an int, float or bool, or a (nested) list of them; checked by `_grid`


def _grid(value: Any, depth: int = 0) -> Any:
    if isinstance(value, (bool, int, float)) and depth <= 3:
        return value
    if isinstance(value, list) and depth < 3:
        for item in value:
            _grid(item, depth + 1)
        return value
    raise ValueError("must be a number, a bool or a list (of lists) of them")


class Example(Strict):
    """A worked example drawn in the brief as coloured grids, e.g. call = "outer(a, b)".
    `author check` verifies `output` against the reference."""

    call: str
    inputs: dict[str, Grid]
    output: Grid
    dtype: Literal["int64", "float32", "bool"] = "int64"

    @field_validator("inputs")
    @classmethod
    def _inputs(cls, value: dict[str, Any]) -> dict[str, Any]:
        return {k: _grid(v) for k, v in value.items()}

    @field_validator("output")
    @classmethod
    def _output(cls, value: Any) -> Any:
        return _grid(value)


class PuzzleSpec(Strict):
    """puzzle.toml."""

    id: str
    title: str
    entry: str
    kind: Literal["function", "class"] = "function"
    signature: str
    concepts: list[Concept] = Field(default_factory=list)
    remark: str
    hints: Hints
    rules: Rules = Field(default_factory=Rules)
    limits: Limits = Field(default_factory=Limits)
    mutants: list[Mutant] = Field(min_length=1)
    examples: list[Example] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not PUZZLE_ID.match(value):
            raise ValueError(
                f"{value!r} is not a puzzle id like 'act1.gelu' (chapter.slug, lower case)"
            )
        return value

    @field_validator("entry")
    @classmethod
    def _entry_is_identifier(cls, value: str) -> str:
        if not value.isidentifier():
            raise ValueError(f"{value!r} is not a Python identifier")
        return value

    @model_validator(mode="after")
    def _budget_measurable(self) -> PuzzleSpec:
        if self.rules.processes > 0 and self.limits.max_peak_mb is not None:
            raise ValueError("max_peak_mb is measured in the child process alone: a puzzle that "
                             "declares processes cannot have a memory budget")
        return self

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def slug(self) -> str:
        return self.id.split(".", 1)[1]


class SceneMeta(Strict):
    """The TOML front matter of a scene (between `+++` lines). The scene's id is
    `<chapter>/<file stem>`; its pages are separated by lines holding only `---`."""

    title: str
    location: str = ""


class ChapterSpec(Strict):
    """story/<chapter>/chapter.toml: the chapter's title and the order of its scenes and puzzles."""

    id: Literal["prologue", "act1", "act2", "act3", "act4", "finale", "gauntlet"]
    title: str
    subtitle: str = ""
    order: int
    side_quest: bool = False
    unlocked_by: list[str] = Field(default_factory=list)
    flow: list[str] = Field(min_length=1)
