"""Wait-state analysis of barrier runs (Scalasca's measures, live or from a log): what each
barrier stage cost, who caused it, the critical path, load balance, and what-if replays.

`metrics` measures, `what_if` replays the run with other work times, `text` words it."""

from engine.model.wait_states.metrics import (
    PartyWaitStates,
    RunWaitStates,
    StageWaitStates,
    WaitStateAnalyser,
    analyse_book,
    analyse_events,
)
from engine.model.wait_states.settled import settled_states
from engine.model.wait_states.text import (
    analyse_run,
    describe_what_if,
    load_balance_verdict,
    party_names,
    report_json,
    report_text,
    run_report,
)
from engine.model.wait_states.what_if import (
    GhostSpan,
    GhostStage,
    WhatIf,
    WhatIfModel,
    evaluate_balance,
    evaluate_factors,
    rank_what_ifs,
)

__all__ = [
    "GhostSpan",
    "GhostStage",
    "PartyWaitStates",
    "RunWaitStates",
    "StageWaitStates",
    "WaitStateAnalyser",
    "WhatIf",
    "WhatIfModel",
    "analyse_book",
    "analyse_events",
    "analyse_run",
    "describe_what_if",
    "evaluate_balance",
    "evaluate_factors",
    "load_balance_verdict",
    "party_names",
    "rank_what_ifs",
    "report_json",
    "report_text",
    "run_report",
    "settled_states",
]
