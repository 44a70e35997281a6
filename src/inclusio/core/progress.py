"""The progress display of long commands: on standard error, so standard output keeps only the
summary line that scripts read, and gone when the command ends."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


def step_progress(*, with_bar: bool = True) -> Progress:
    columns = [SpinnerColumn(), TextColumn("{task.description}")]
    if with_bar:
        columns.append(BarColumn())
    columns.append(TimeElapsedColumn())
    return Progress(*columns, console=Console(stderr=True), transient=True)
