"""Turn a loosely typed mapping (usually parsed TOML) into validated scenario fields.

Why a hand-written validator: scenario files are written by people learning about barriers, so
every mistake must produce one precise, friendly line naming the field (``party[1].work``), the
problem and what is allowed, with a did-you-mean hint for typos.  Validation stops at the first
error: one clear message beats a wall of follow-on errors.  Indices in field paths are 0-based
(``party[0]`` is the first [[party]] table, ``narrative.arrive[0]`` the first stage).

It returns plain `ScenarioFields`, not a `Scenario`: the Scenario class sits above this module
(its ``replace`` validates again), so nothing here may import it.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.scenario.checks import Checker, show
from engine.scenario.limits import (
    ALLOWED_BACKENDS,
    DEFAULT_TEMPLATES,
    FAULTS,
    MAX_DESCRIPTION_CHARS,
    MAX_LINE_CHARS,
    MAX_NAME_CHARS,
    MAX_PARTIES,
    MAX_PROCESSES,
    MAX_SEED,
    MAX_STAGES,
    MAX_TIMEOUT,
    MAX_WORK,
    NARRATIVE_KINDS,
    START_METHODS,
    WORKLOADS,
)
from engine.scenario.specs import (
    DEFAULT_WORK,
    ActionSpec,
    Narrative,
    PartySpec,
    ScenarioFields,
    WorkTime,
)
from engine.scenario.templates import check_template

TOP_KEYS = (
    "name", "description", "parties", "processes", "stages", "timeout", "start_method", "seed",
    "workload", "backend", "action", "narrative", "party",
)  # fmt: skip
ACTION_KEYS = ("message", "raises")
PARTY_KEYS = ("name", "work", "work_by_stage", "fault", "fault_stage")

__all__ = ["validate_fields"]


def validate_fields(data: Mapping[str, object], source: str = "<scenario>") -> ScenarioFields:
    """Validate `data` into ScenarioFields, or raise a one-line ScenarioError.

    `source` (a file name, usually) starts every error message.
    """
    c = Checker(source)
    table = c.table(None, data)
    c.known_keys(None, table, TOP_KEYS)

    name = c.text(
        "name", table.get("name", "Untitled scenario"), MAX_NAME_CHARS, strip=True, non_empty=True
    )
    description = c.text(
        "description",
        table.get("description", ""),
        MAX_DESCRIPTION_CHARS,
        strip=True,
        multiline=True,
    )
    raw_party = table.get("party")
    if raw_party is not None and not (isinstance(raw_party, list) and raw_party):
        c.fail("party", f"must be a list of [[party]] tables, got {show(raw_party)}")
    tables: list[object] | None = raw_party
    if "parties" in table:
        parties = c.integer("parties", table["parties"], 1, MAX_PARTIES)
    elif tables is None:
        c.fail(
            "parties",
            "missing: give the number of parties, or one [[party]] table per process",
            allowed=f"an integer from 1 to {MAX_PARTIES}",
        )
    else:
        parties = len(tables)
    processes = c.integer("processes", table.get("processes", parties), 1, MAX_PROCESSES)
    stages = c.integer("stages", table.get("stages", 1), 1, MAX_STAGES)
    timeout = table.get("timeout")
    if timeout is not None:
        timeout = c.number("timeout", timeout, 0.0, MAX_TIMEOUT, low_open=True)
    start_method = table.get("start_method")
    if start_method is not None:
        start_method = c.choice("start_method", start_method, START_METHODS)
    seed = table.get("seed")
    if seed is not None:
        seed = c.integer("seed", seed, 0, MAX_SEED, span=">= 0 (and < 2**63)")
    workload = c.choice("workload", table.get("workload", "sleep"), WORKLOADS)
    backend = c.choice("backend", table.get("backend", "processes"), ALLOWED_BACKENDS)
    _check_backend(c, backend, table, tables)
    if backend == "mpi" and processes != parties:  # MPI's barrier spans every rank
        c.fail("processes", f'must equal parties ({parties}) with backend "mpi", got {processes}')

    return ScenarioFields(
        name=name,
        description=description,
        parties=parties,
        processes=processes,
        stages=stages,
        timeout=timeout,
        start_method=start_method,
        seed=seed,
        workload="cpu" if workload == "cpu" else "sleep",
        backend=backend,
        action=_action(c, table.get("action"), stages),
        narrative=_narrative(c, table.get("narrative"), stages),
        party=_parties(c, tables, processes, stages),
    )


def _check_backend(
    c: Checker, backend: str, table: Mapping[str, object], tables: list[object] | None
) -> None:
    """Refuse what a backend's barrier cannot do, rather than silently emulating it."""
    if backend == "asyncio":
        for key in ("action", "timeout"):
            if table.get(key) is not None:
                c.fail(
                    key,
                    f"asyncio.Barrier has no {key}; remove it or use backend "
                    '"processes" or "threads"',
                )
    if backend not in ("processes", "mpi"):  # an MPI rank can kill itself (engine.sources.mpi)
        for i, raw in enumerate(tables or []):
            fault = raw.get("fault") if isinstance(raw, Mapping) else None
            if fault in ("kill-in-work", "kill-in-wait"):
                c.fail(
                    f"party[{i}].fault",
                    f'{fault} needs backend "processes": {backend} parties cannot be killed',
                )


def _action(c: Checker, raw: object, stages: int) -> ActionSpec | None:
    if raw is None:
        return None
    table = c.table("action", raw)
    c.known_keys("action", table, ACTION_KEYS)
    if "message" not in table:
        c.fail("action.message", "missing (required when [action] is given)")
    value = table["message"]
    by_stage: tuple[str, ...] = ()
    if isinstance(value, list):  # one message per stage, like the narrative's lists
        if len(value) != stages:
            c.fail(
                "action.message",
                f"has {len(value)} entries but stages is {stages}",
                allowed="a string, or a list with one string per stage",
            )
        by_stage = tuple(
            c.text(f"action.message[{i}]", item, MAX_LINE_CHARS, strip=True, non_empty=True)
            for i, item in enumerate(value)
        )
        message = by_stage[0]
    else:
        message = c.text("action.message", value, MAX_LINE_CHARS, strip=True, non_empty=True)
    raises = table.get("raises", False)
    if not isinstance(raises, bool):
        c.fail("action.raises", f"must be true or false, got {show(raises)}")
    return ActionSpec(message, raises, by_stage)


def _narrative(c: Checker, raw: object, stages: int) -> Narrative:
    if raw is None:
        return Narrative()
    table = c.table("narrative", raw)
    c.known_keys("narrative", table, NARRATIVE_KINDS)
    found: dict[str, tuple[str, ...]] = {}
    for kind in NARRATIVE_KINDS:
        field = f"narrative.{kind}"
        value = table.get(kind, DEFAULT_TEMPLATES[kind])
        if isinstance(value, str):
            found[kind] = (check_template(c, field, value),)
            continue
        if not isinstance(value, list):
            c.fail(field, f"must be a string or a list of strings, got {show(value)}")
        if len(value) != stages:
            c.fail(
                field,
                f"has {len(value)} entries but stages is {stages}",
                allowed="a string, or a list with one string per stage",
            )
        found[kind] = tuple(
            check_template(c, f"{field}[{i}]", item) for i, item in enumerate(value)
        )
    return Narrative(work=found["work"], arrive=found["arrive"], release=found["release"])


def _parties(
    c: Checker, tables: list[object] | None, processes: int, stages: int
) -> tuple[PartySpec, ...]:
    if tables is None:
        return tuple(PartySpec(f"Party {i + 1}", DEFAULT_WORK) for i in range(processes))
    if len(tables) != processes:
        c.fail(
            "party",
            f"{len(tables)} [[party]] tables given but processes is {processes}",
            allowed="exactly one [[party]] table per process",
        )
    specs: list[PartySpec] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(tables):
        where = f"party[{i}]"
        table = c.table(where, raw)
        c.known_keys(where, table, PARTY_KEYS)
        if "name" not in table:
            c.fail(f"{where}.name", "missing (every [[party]] table needs a name)")
        name = c.text(f"{where}.name", table["name"], MAX_NAME_CHARS, strip=True, non_empty=True)
        if name in seen:
            c.fail(f"{where}.name", f"duplicate name {show(name)} (also party[{seen[name]}])")
        seen[name] = i
        work = _work(c, f"{where}.work", table.get("work", [DEFAULT_WORK.lo, DEFAULT_WORK.hi]))
        by_stage: tuple[WorkTime, ...] | None = None
        if "work_by_stage" in table:
            field = f"{where}.work_by_stage"
            raw_stages = table["work_by_stage"]
            if not isinstance(raw_stages, list) or len(raw_stages) != stages:
                c.fail(
                    field,
                    f"must be a list with one entry per stage ({stages}), got {show(raw_stages)}",
                )
            by_stage = tuple(_work(c, f"{field}[{s}]", v) for s, v in enumerate(raw_stages))
        fault: str | None = None
        fault_stage = 1
        if "fault" in table:
            fault = c.choice(f"{where}.fault", table["fault"], FAULTS)
            fault_stage = c.integer(f"{where}.fault_stage", table.get("fault_stage", 1), 1, stages)
        elif "fault_stage" in table:
            c.fail(f"{where}.fault_stage", "given without a fault", allowed=", ".join(FAULTS))
        specs.append(PartySpec(name, work, by_stage, fault, fault_stage))
    return tuple(specs)


def _work(c: Checker, field: str, raw: object) -> WorkTime:
    """A number (fixed seconds) or a [min, max] pair (uniform range)."""
    if isinstance(raw, list):
        if len(raw) != 2:
            c.fail(field, f"must be a number or [min, max], got {show(raw)}")
        lo = c.number(field, raw[0], 0.0, MAX_WORK, label="min ")
        hi = c.number(field, raw[1], 0.0, MAX_WORK, label="max ")
        if lo > hi:
            c.fail(field, f"min {lo} is greater than max {hi}")
        return WorkTime(lo, hi)
    seconds = c.number(field, raw, 0.0, MAX_WORK, or_pair=True)
    return WorkTime(seconds, seconds)
