"""Readers beside a writer: read-only opens of the embedded store while another process writes to it.

    python bench/readers.py [--seconds 20] [--raw]

A writer process removes and re-ingests the sample documents in a loop (what `policykg serve` does
under uploads); this process opens the store read-only again and again, as each CLI read does, and
runs a template. It prints how many reads answered, how many failed after the store's retries, and
how many answered a document count that was never committed (a wrong answer). With --raw the reads
open ladybug directly, without the store's retries, to show what the retries are for.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from importlib import resources
from pathlib import Path

import ladybug
from policykg.graph import open_store
from policykg.graph.ingest import ingest_paths
from policykg.queries.registry import run

from policykg.errors import PolicyKGError

SAMPLES = Path(str(resources.files("policykg").joinpath("samples")))


def writer(data: Path, seconds: float, rounds: mp.Value) -> None:  # type: ignore[type-arg]
    with open_store(data, create=True, read_only=False) as store:
        t0 = time.monotonic()
        while time.monotonic() - t0 < seconds:
            store.remove_document("003_22293d2eac0c7b96.txt")
            ingest_paths(store, [str(SAMPLES / "003_22293d2eac0c7b96.txt")], progress=False)
            rounds.value += 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--raw", action="store_true", help="open ladybug read-only directly, no retries")
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp()) / "data"
    with open_store(data, create=True) as store:
        ingest_paths(store, [str(SAMPLES)], progress=False)
    rounds = mp.Value("i", 0)
    w = mp.Process(target=writer, args=(data, args.seconds, rounds))
    w.start()
    time.sleep(1)
    ok = failed = wrong = 0
    errors: set[str] = set()
    t0 = time.monotonic()
    while w.is_alive():
        try:
            if args.raw:
                db = ladybug.Database(str(data / "graph.lbug"), read_only=True)
                conn = ladybug.Connection(db)
                n = conn.execute("MATCH (p:Policy) WHERE p.ingested = true RETURN count(p)").get_all()[0][0]
                conn.close()
                db.close()
            else:
                with open_store(data, read_only=True) as store:
                    n = len(run(store, "documents").rows)
            ok += 1
            wrong += n not in (4, 5)  # 003 is out or in; anything else was never committed
        except (PolicyKGError, RuntimeError) as e:
            failed += 1
            errors.add(str(e)[:120])
    w.join()
    took = time.monotonic() - t0
    print(f"writer: {rounds.value} remove+ingest rounds in {args.seconds:.0f} s")
    print(f"readers: {ok} reads answered, {failed} failed after retries, {wrong} wrong; {ok / took:.1f} reads/s")
    for e in sorted(errors):
        print("  error:", e)


if __name__ == "__main__":
    main()
