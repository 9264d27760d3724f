"""The network measures on a graph of a given size, in a process of its own so
that its peak memory is its own: `python -m bench.network NODES EDGES` prints
one JSON object (seconds, algorithm, peak_mb).

The graph is synthetic, with power-law degrees as a register's relations have
(a few organisations tied to many): Barabási–Albert, its organisations spread
over nine levels. It is measured by the function the analysis uses
(`analysis.network.graph_measures`): degrees, betweenness (exact or
estimated, as the size decides), communities and components.
"""

import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from bench.memory import run_script
from bench.pages import Progress


def measure(nodes: int, edges: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
    django.setup()
    import igraph  # type: ignore[import-untyped]

    from analysis.network import graph_measures

    graph = igraph.Graph.Barabasi(nodes, max(edges // nodes, 1), directed=True)
    pairs = graph.get_edgelist()
    rng = random.Random(1)  # noqa: S311
    levels = [rng.randrange(9) for _ in range(nodes)]
    started = time.perf_counter()
    network = graph_measures(list(range(nodes)), levels, pairs)
    return {
        "nodes": nodes,
        "edges": len(pairs),
        "seconds": round(time.perf_counter() - started, 2),
        "algorithm": network.algorithm,
        "communities": network.communities,
    }


def network_figures(progress: Progress) -> dict[str, Any]:
    """network_5000 and network_20000, each in its own process."""
    figures = {}
    for name, nodes, edges in (
        ("network_5000", 5_000, 25_000),
        ("network_20000", 20_000, 100_000),
    ):
        run = run_script(Path(__file__), [str(nodes), str(edges)])
        if run.returncode != 0:
            figures[name] = {"error": run.stderr.strip().splitlines()[-1:]}
            continue
        result = json.loads(run.stdout)
        result["peak_mb"] = run.peak_mb
        figures[name] = result
        progress(
            f"{name:<22} {result['seconds']} s ({result['algorithm']}), "
            f"peak {result['peak_mb']} MB"
        )
    return figures


if __name__ == "__main__":
    sys.stdout.write(json.dumps(measure(int(sys.argv[1]), int(sys.argv[2]))) + "\n")
