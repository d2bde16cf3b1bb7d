"""Ranks, dummies and crossing counts of a clustered graph."""
import itertools
import random

import pytest

from ngproof.report.layering import GraphInput, acyclic, crossings, layered, ranks


def graph(edges, clusters=None, nodes=None) -> GraphInput:
    nodes = nodes or list(dict.fromkeys(n for e in edges for n in e))
    clusters = clusters or {n: 0 for n in nodes}
    return GraphInput(nodes, {n: (40.0, 22.0) for n in nodes}, clusters, [f"s{c}" for c in sorted(set(clusters.values()))],
                      edges)


def naive_crossings(layers, down) -> int:
    """Every pair of edges between adjacent ranks, checked one by one."""
    total = 0
    for upper, lower in zip(layers, layers[1:]):
        edges = [(upper.index(a), lower.index(b)) for a in upper for b in down.get(a, ()) if b in lower]
        total += sum(1 for (a, b), (c, d) in itertools.combinations(edges, 2) if (a - c) * (b - d) < 0)
    return total


def test_ranks_follow_the_longest_chain_and_pull_a_shared_foundation_forward():
    g = graph([("a", "b"), ("b", "c"), ("b", "d"), ("s", "c"), ("s", "d")], nodes=["a", "b", "c", "s", "d"])
    rank = ranks(g, acyclic(g))
    assert (rank["a"], rank["b"], rank["c"], rank["d"]) == (0, 1, 2, 2)
    assert rank["s"] == 1                # two dependents at rank 2, nothing below: moved next to them


def test_a_cycle_is_broken_by_reversing_its_back_edge():
    g = graph([("a", "b"), ("b", "c"), ("c", "a")])
    back = acyclic(g)
    assert back == [False, False, True]
    rank = ranks(g, back)
    assert rank["a"] < rank["b"] < rank["c"]
    assert layered(g, rank, back).reversed == [False, False, True]


def test_a_long_edge_gets_a_dummy_per_rank_in_its_heads_cluster():
    g = graph([("a", "b"), ("b", "c"), ("a", "c")], clusters={"a": 0, "b": 0, "c": 1})
    back = acyclic(g)
    proper = layered(g, ranks(g, back), back)
    assert proper.chains[2] == ["a", (2, 1), "c"]
    assert proper.cluster[(2, 1)] == 1
    assert proper.layers == [["a"], ["b", (2, 1)], ["c"]]     # reading order: clusters, then nodes, then dummies


def test_crossings_agree_with_checking_every_pair():
    rng = random.Random(3)
    for _ in range(40):
        layers = [[f"{r}.{i}" for i in range(rng.randint(1, 7))] for r in range(4)]
        down = {a: rng.sample(lower, rng.randint(0, len(lower))) for upper, lower in zip(layers, layers[1:])
                for a in upper}
        assert crossings(layers, down) == naive_crossings(layers, down)
    assert crossings([["a", "b"], ["c", "d"]], {"a": ["d"], "b": ["c"]}) == 1
    assert crossings([["a", "b"], ["d", "c"]], {"a": ["d"], "b": ["c"]}) == 0


def test_an_edge_to_an_unknown_node_is_named():
    with pytest.raises(ValueError, match="a -> zz"):
        GraphInput(["a"], {"a": (1, 1)}, {"a": 0}, ["s"], [("a", "zz")])
