"""The mirror-order graph of runtime-utils ``topo.go`` (rules M3-M4).

Theory of operation: each mirror set contributes edges ``m[i] -> m[i+1]`` (and
``m[last] -> source`` when the source is not listed).  `TopoGraph.sorted` then runs a
Kahn-style sort with a FIFO queue: the initial queue holds the nodes without predecessors in
byte order; each node taken frees successors, which are appended as one byte-sorted batch.
When the queue runs dry with nodes left (a cycle), the smallest unused node in byte order is
taken.  The result depends only on the set of edges, never on the order they were added.
"""

from __future__ import annotations

from collections import deque

__all__ = ["TopoGraph"]


class TopoGraph:
    """A small directed graph of strings that can be sorted (close to) topologically."""

    __slots__ = ("_ins", "_outs")

    def __init__(self) -> None:
        self._ins: dict[str, set[str]] = {}
        self._outs: dict[str, set[str]] = {}

    def _node(self, node: str) -> None:
        if node not in self._ins:
            self._ins[node] = set()
            self._outs[node] = set()

    def add_edge(self, src: str, dst: str) -> None:
        """Add the edge ``src -> dst`` (nodes are created on first mention)."""
        self._node(src)
        self._node(dst)
        self._outs[src].add(dst)
        self._ins[dst].add(src)

    def __len__(self) -> int:
        return len(self._ins)

    def sorted(self) -> list[str]:
        """All nodes, ordered to respect the edges where the graph allows it."""
        # Go compares strings by bytes; for str this is code-point order, which agrees
        # with UTF-8 byte order.
        all_nodes = sorted(self._ins)
        pending = {n: set(ins) for n, ins in self._ins.items()}
        used: set[str] = set()
        queue = deque(n for n in all_nodes if not pending[n])
        res: list[str] = []
        index = 0
        while queue or index < len(all_nodes):
            if queue:
                node = queue.popleft()
            else:
                node = all_nodes[index]
                index += 1
                if node in used:
                    continue
            used.add(node)
            res.append(node)
            batch = []
            for out in self._outs[node]:
                pending[out].discard(node)
                if not pending[out] and out not in used:
                    batch.append(out)
            queue.extend(sorted(batch))
        return res
