"""A proposal's outcome on every workload as a table: result, invariants, costs, arguments."""

from __future__ import annotations

from rich.text import Text

from threadlore.kb.replay_summary import CONFIRMS, ProposalReplay, WorkloadReplay
from threadlore.kb.vm.invariants import INVARIANTS
from threadlore.kb.vm.replay import Outcome
from threadlore.tui.widgets.common.vi_lists import ViDataTable

RESULT_STYLES = {"allowed": "green", "refused": "red", "emulated": "yellow"}
COST_NAMES = {
    "io": "io",
    "redundant_io": "redundant io",
    "double_io": "double io",
    "reclaim_work": "reclaim",
    "mkclean_work": "mkclean",
    "msync_work": "msync",
    "unmap_work": "unmap",
    "vmas_used": "vmas",
    "rmap_nodes": "rmap nodes",
}


def invariant_name(code: str) -> str:
    """An invariant's short name: `INV1` → `orphan`, `INV2b` → `msync`."""
    return INVARIANTS[code].split(":", 1)[0]


def result_cell(outcome: Outcome) -> Text:
    """`allowed`, `refused (EINVAL)`, `emulated`, coloured."""
    errno = f" ({outcome.errno})" if outcome.errno else ""
    return Text(outcome.result + errno, style=RESULT_STYLES.get(outcome.result, ""))


def invariants_cell(outcome: Outcome) -> Text:
    """`held` when every invariant held, else the broken ones after a cross, with their names:
    `✗ INV1 orphan`."""
    if not outcome.broken:
        return Text("held", style="green")
    named = ", ".join(f"{code} {invariant_name(code)}" for code in outcome.broken)
    return Text(f"✗ {named}", style="bold red")


def costs_cell(outcome: Outcome) -> Text:
    """The costs that are not zero, `io 3 · unmap 66`."""
    parts = [
        f"{label} {outcome.costs[key]}"
        for key, label in COST_NAMES.items()
        if outcome.costs.get(key)
    ]
    return Text(" · ".join(parts) or "none", style="" if parts else "dim")


def arguments_cell(row: WorkloadReplay) -> Text:
    """How many of the thread's claims about this workload the model confirms and refutes."""
    if not row.checks:
        return Text("")
    confirmed = sum(check.verdict == CONFIRMS for check in row.checks)
    text = Text(f"✓{confirmed}", style="green")
    if len(row.checks) > confirmed:
        text.append(f" ✗{len(row.checks) - confirmed}", style="red")
    return text


class OutcomeTable(ViDataTable):
    """One row per workload, keyed by workload name; the replay it shows is kept for details."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.replay: ProposalReplay | None = None

    def on_mount(self) -> None:
        for column in ("Workload", "Result", "Invariants", "Args", "What it does", "Costs"):
            self.add_column(column, key=column.lower())

    def show_replay(self, replay: ProposalReplay) -> None:
        """Fill the table with a replay's rows."""
        self.replay = replay
        self.clear()
        self.border_title = f"{replay.proposal.id} · {replay.policy}"
        for row in replay.rows:
            outcome = row.outcome
            self.add_row(
                Text(outcome.workload, style="bold"),
                result_cell(outcome),
                invariants_cell(outcome),
                arguments_cell(row),
                Text(outcome.title, style="dim"),
                costs_cell(outcome),
                key=outcome.workload,
            )

    def current_row(self) -> WorkloadReplay | None:
        """The workload under the cursor."""
        if self.replay is None or not self.replay.rows:
            return None
        return self.replay.rows[self.cursor_row]
