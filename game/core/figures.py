"""Figures a verdict can carry: line series, heatmaps and scatter plots, as plain numbers.

The judge builds them from what it measured (never from the submission's own claims) through
`Context.add_figure` in a puzzle's `evaluate`; they travel in the result JSON and are validated
like any other field, with bounded sizes so that a figure can never make a result huge.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_POINTS = 2000  # per series or scatter group
MAX_SERIES = 6
MAX_CELLS = 64 * 64
MAX_FIGURES = 6
MAX_LABEL = 40


def _labels(labels) -> None:
    for label in labels:
        if len(label) > MAX_LABEL:
            raise ValueError(f"figure labels are at most {MAX_LABEL} characters")


def _finite(values: list[float]) -> list[float]:
    for v in values:
        if not math.isfinite(v):
            raise ValueError("figure values must be finite numbers")
    return values


class _Figure(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(max_length=120)


class Series(_Figure):
    """Lines over a shared x axis, e.g. loss per step: `lines` maps a label to its y values.

    `marks` are single measured values drawn as horizontal levels across the plot, e.g. the
    accuracy of the player's final model beside the judge's curves of a training run."""

    kind: Literal["series"] = "series"
    x_label: str = Field("step", max_length=40)
    y_label: str = Field("", max_length=40)
    x: list[float] = Field(max_length=MAX_POINTS)
    lines: dict[str, list[float]] = Field(min_length=1, max_length=MAX_SERIES)
    marks: dict[str, float] = Field(default_factory=dict, max_length=MAX_SERIES)

    @field_validator("marks")
    @classmethod
    def _marks(cls, value: dict[str, float]) -> dict[str, float]:
        _finite(list(value.values()))
        return value

    @field_validator("x")
    @classmethod
    def _x(cls, value: list[float]) -> list[float]:
        return _finite(value)

    @model_validator(mode="after")
    def _same_length(self) -> Series:
        _labels([*self.lines, *self.marks])
        for label, ys in self.lines.items():
            if len(ys) != len(self.x):
                raise ValueError(f"line {label!r} has {len(ys)} values for {len(self.x)} x values")
            _finite(ys)
        return self


class Heatmap(_Figure):
    """A matrix of values, e.g. an attention map: `values[r][c]` with optional labels."""

    kind: Literal["heatmap"] = "heatmap"
    values: list[list[float]] = Field(min_length=1)
    row_labels: list[str] = Field(default_factory=list)
    col_labels: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _rectangular(self) -> Heatmap:
        width = len(self.values[0])
        if width == 0 or any(len(row) != width for row in self.values):
            raise ValueError("a heatmap's rows must be non-empty and of equal length")
        if len(self.values) * width > MAX_CELLS:
            raise ValueError(f"a heatmap has at most {MAX_CELLS} cells")
        for row in self.values:
            _finite(row)
        _labels([*self.row_labels, *self.col_labels])
        if self.row_labels and len(self.row_labels) != len(self.values):
            raise ValueError("row_labels must name every row")
        if self.col_labels and len(self.col_labels) != width:
            raise ValueError("col_labels must name every column")
        return self


class Scatter(_Figure):
    """Groups of 2-D points, e.g. generated samples beside the data: label -> [[x, y], ...]."""

    kind: Literal["scatter"] = "scatter"
    groups: dict[str, list[tuple[float, float]]] = Field(min_length=1, max_length=MAX_SERIES)

    @field_validator("groups")
    @classmethod
    def _bounded(cls, value: dict[str, list[tuple[float, float]]]):
        _labels(value)
        for label, points in value.items():
            if len(points) > MAX_POINTS:
                raise ValueError(f"group {label!r} has more than {MAX_POINTS} points")
            for x, y in points:
                _finite([x, y])
        return value


Figure = Annotated[Series | Heatmap | Scatter, Field(discriminator="kind")]
