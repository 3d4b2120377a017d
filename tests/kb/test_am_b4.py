"""`am` against b4 itself on b4's own test samples: the same trailers added to the same patches.

Each sample of ../shared/corpora/b4 is imported into a store and given to `kb.am`; b4 (Debian's
package, which .ci/run installs) runs `b4 am` on the same mbox; what b4 added to each patch
(its output's trailers less the patch's own) must be what we add, in the same order.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from programs import require_programs

from threadlore.db.engine import open_store
from threadlore.db.ingest import import_messages
from threadlore.importers.detect import read_inputs
from threadlore.kb.am import prepare_am
from threadlore.kb.thread_views import SessionViews

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "b4" / "src" / "tests"
SAMPLES = SAMPLES / "samples"
FOLLOWUPS = sorted(SAMPLES.glob("trailers-*.mbox"))


def b4_added(sample: Path, work: Path) -> list[list[str]]:
    """For each patch b4 writes, in order, the trailer lines it says it added (`    + …`).

    Its summary is read rather than its mbox: b4 0.12 writes a non-git patch's new trailers
    below the diff, where `git am` would not take them; what it collected is the rule.
    """
    subprocess.run(["git", "init", "-q", str(work)], check=True)
    first = next(read_inputs([sample])).message_id
    out = work / "out"
    out.mkdir()
    # -t: a reply to the cover letter gives its trailers to every patch (b4 0.12 asks for it;
    # later versions do it by default)
    command = ["b4", "-n", "am", "-t", "-m", str(sample), "-o", str(out), first]
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, check=True)
    printed = (done.stdout + done.stderr).splitlines()
    block = printed[printed.index("---") + 1 :]
    block = block[: block.index("---")]
    added: list[list[str]] = []
    for line in block:
        if line.startswith("    + "):
            added[-1].append(line[6:])
        elif line.startswith("  ") and not line.startswith("   "):
            added.append([])
    return added


@pytest.mark.parametrize("sample", FOLLOWUPS, ids=[p.stem for p in FOLLOWUPS])
def test_am_adds_what_b4_adds(sample: Path, tmp_path: Path) -> None:
    require_programs("b4", "git")
    sessions = open_store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    import_messages(sessions, read_inputs([sample]))
    first = next(read_inputs([sample])).message_id
    with sessions() as session:
        am = prepare_am(SessionViews(session), first)
    ours = [list(am.added[p.summary.id]) for p in am.series.patches]
    assert ours == b4_added(sample, tmp_path / "b4")
