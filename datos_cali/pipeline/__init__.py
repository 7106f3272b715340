"""One dataset's run: its steps (`steps`) and their one sequence (`sequence`).

    from datos_cali.pipeline import run_dataset
    run = run_dataset("vacunacion-covid19", session, ledger)   # no Prefect

The Prefect flows (`flows/publish.py`) run the same `run_sequence` with steps that are tasks.
"""

from datos_cali.pipeline.sequence import DirectSteps, Steps, run_dataset, run_sequence
from datos_cali.pipeline.steps import (
    DatasetRun,
    Job,
    LastPublication,
    Submission,
    TargetReport,
    gx_enabled,
    prepare,
)

__all__ = [
    "DatasetRun",
    "DirectSteps",
    "Job",
    "LastPublication",
    "Steps",
    "Submission",
    "TargetReport",
    "gx_enabled",
    "prepare",
    "run_dataset",
    "run_sequence",
]
