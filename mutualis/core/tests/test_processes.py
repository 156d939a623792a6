"""What a long-running process does once started: its start-up heap out of the collector's reach, young collections
spaced out — and reference cycles still collected without anyone asking (each check in a clean interpreter, so that
this test process keeps its own collector settings)."""

import json
import subprocess
import sys
from pathlib import Path

from mutualis.core.processes import YOUNG_COLLECTION_EVERY

ROOT = Path(__file__).resolve().parents[3]

_CHECK = """
import gc, json, weakref
from mutualis.core.processes import settle_heap

class Node:
    pass

before = gc.get_threshold()
settle_heap()
frozen = gc.get_freeze_count()
# A cycle, unreachable at once: only the collector can free it.
a, b = Node(), Node()
a.other, b.other = b, a
alive = weakref.ref(a)
del a, b
kept = [{"n": i} for i in range(YOUNG)]  # enough tracked allocations for one young collection
print(json.dumps({"before": before, "after": gc.get_threshold(), "frozen": frozen, "cycle_freed": alive() is None}))
"""


def _run(young: int) -> dict:
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", _CHECK.replace("YOUNG", str(young))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_settle_heap_freezes_the_start_up_heap_and_spaces_out_young_collections():
    result = _run(young=10)
    assert result["before"][0] == 700  # Python's own, before
    assert tuple(result["after"]) == YOUNG_COLLECTION_EVERY
    assert YOUNG_COLLECTION_EVERY[0] >= 10_000
    assert result["frozen"] > 1_000  # the interpreter's and the module's objects, out of every pass


def test_a_reference_cycle_is_still_collected_by_the_next_young_collection():
    # Fewer allocations than the threshold: no collection yet, the cycle is still there (so the next check means
    # something) …
    assert _run(young=YOUNG_COLLECTION_EVERY[0] // 2)["cycle_freed"] is False
    # … and once the threshold is passed, the collector frees it by itself.
    assert _run(young=YOUNG_COLLECTION_EVERY[0] + 1_000)["cycle_freed"] is True
