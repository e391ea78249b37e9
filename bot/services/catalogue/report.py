"""What an import did: trainings created and updated, moved and cancelled, rows refused with their line."""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportStopped(Exception):
    """A database error stopped an import after some batches went in (`report` says which)."""

    def __init__(self, report: ImportReport, error: Exception) -> None:
        super().__init__(f"the import stopped at a database error ({type(error).__name__})")
        self.report = report


@dataclass
class RowError:
    line: int
    code: str | None
    reason: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)  # ids of trainings whose start time changed
    cancelled: list[int] = field(default_factory=list)  # ids of trainings newly cancelled
    errors: list[RowError] = field(default_factory=list)

    def add(self, other: ImportReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.moved += other.moved
        self.cancelled += other.cancelled
        self.errors += other.errors
