"""`kg generate`: synthetic projects that keep the data rules, at the size asked, repeatably."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from bench.synthetic import GenerateError, generate, source_count
from kg.cli import cli
from kg.evidence import evidence_nodes, facts
from kg.namespaces import DCTERMS, EV, ID, KG, RDF, RDFS, SRC

ROOT = Path(__file__).resolve().parents[1]
VERBATIM_VALUES = {KG.provision, KG.topic, KG.purpose, KG.outcome, KG.casualties, KG.jobTitle}


def make(out: Path, triples: int, seed: int = 7) -> dict[str, object]:
    return generate(out, triples, seed, ROOT / "ontology", ROOT / "shapes")


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "project"
    make(out, 10_000)
    return out


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path):
    make(tmp_path / "a", 3_000, seed=1)
    make(tmp_path / "b", 3_000, seed=1)
    make(tmp_path / "c", 3_000, seed=2)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")


@pytest.mark.parametrize("target", [5_000, 30_000])
def test_size_is_close_to_the_target(tmp_path: Path, target: int):
    made = make(tmp_path / "p", target)
    # The count the generator reports is the count a parser finds.
    parsed = sum(len(Graph().parse(p, format="turtle"))
                 for p in [*(tmp_path / "p").glob("*/*.ttl"), *(tmp_path / "p").glob("*/*/*.ttl")]
                 if "shapes" not in p.parts)
    assert made["triples"] == parsed
    assert abs(parsed - target) <= 0.02 * target
    assert made["sources"] == source_count(target)


def test_a_complete_project(small: Path):
    assert sorted(p.name for p in (small / "ontology").iterdir()) == ["peace-talks.ttl"]
    assert (small / "shapes" / "peace-talks.shapes.ttl").read_bytes() == (
        ROOT / "shapes" / "peace-talks.shapes.ttl").read_bytes()
    stems = sorted(p.stem for p in (small / "data").glob("*.ttl"))
    assert stems == sorted(p.stem for p in (small / "data" / "sources").glob("*.txt"))
    made = json.loads((small / "synthetic.json").read_text())
    assert len(stems) == made["sources"] >= 3


def test_sources_describe_their_texts(small: Path):
    sources = small / "data" / "sources"
    graph = Graph().parse(sources / "sources.ttl")
    for text in sources.glob("*.txt"):
        doc = SRC[text.stem]
        assert str(graph.value(doc, KG.sha256)) == hashlib.sha256(text.read_bytes()).hexdigest()
        assert str(graph.value(doc, KG.fileName)) == text.name
        title = str(graph.value(doc, DCTERMS.title))
        assert normalise(title) in normalise(text.read_text(encoding="utf-8"))


def test_the_data_rules_hold(small: Path):
    """The checks tests/test_data.py makes of the real sources, on every synthetic one."""
    labels: dict[object, set] = defaultdict(set)
    types: dict[object, set] = defaultdict(set)
    kinds = {KG.Conference, KG.ConferenceSeries, KG.Envoy, KG.Resolution, KG.State}
    found: set = set()
    for path in sorted((small / "data").glob("*.ttl")):
        stem, graph = path.stem, Graph().parse(path)
        text = normalise((small / "data" / "sources" / f"{stem}.txt").read_text("utf-8"))
        quotes = defaultdict(list)
        for node in evidence_nodes(graph):
            assert str(node).startswith(f"{EV}{stem}/")
            assert graph.value(node, KG.source) == SRC[stem]
            quote = normalise(str(graph.value(node, KG.quote)))
            assert quote in text, quote
            triple = tuple(graph.value(node, p) for p in (RDF.subject, RDF.predicate, RDF.object))
            assert triple in graph  # evidence describes an asserted fact
            quotes[triple].append(quote)
        for fact in facts(graph):
            assert fact in quotes, f"{stem}: fact without evidence {fact}"
            if fact[1] in VERBATIM_VALUES:
                assert isinstance(fact[2], Literal) and fact[2].language == "en"
                assert any(str(fact[2]) in q for q in quotes[fact])
            for entity in (fact[0], fact[2]):
                if str(entity).startswith(str(ID)):
                    assert graph.value(entity, RDF.type) is not None, entity
                    assert graph.value(entity, RDFS.label) is not None, entity
        for entity in set(graph.subjects(RDFS.label)):
            labels[entity].update(graph.objects(entity, RDFS.label))
            types[entity].add(frozenset(graph.objects(entity, RDF.type)))
        found |= set(graph.objects(None, RDF.type))
    assert {e: ls for e, ls in labels.items() if len(ls) != 1} == {}
    assert {e: ts for e, ts in types.items() if len(ts) != 1} == {}
    by_label = defaultdict(list)
    for entity, ls in labels.items():
        by_label[next(iter(ls))].append(entity)
    assert {label: es for label, es in by_label.items() if len(es) > 1} == {}
    assert kinds <= found


def test_only_terms_the_ontology_declares(small: Path):
    ontology = Graph().parse(small / "ontology" / "peace-talks.ttl")
    declared = {s for s in ontology.subjects() if str(s).startswith(str(KG))}
    for path in small.glob("data/**/*.ttl"):
        used = {t for s, p, o in Graph().parse(path) for t in (p, o) if str(t).startswith(str(KG))}
        assert used <= declared, path


def test_builds_with_reasoning_and_validation(runner, small: Path):
    """The shapes hold at 10^4 triples, with OWL-RL and SHACL on (the default)."""
    result = runner.invoke(cli, ["--root", str(small), "build"], env={})
    assert result.exit_code == 0, result.output
    summary = json.loads((small / "build" / "summary.json").read_text())
    assert summary["validation"]["conforms"] is True
    assert summary["inference"]["added"] > 0
    assert summary["triples"]["asserted"] == json.loads(
        (small / "synthetic.json").read_text())["triples"]


def test_generate_command(runner, tmp_path: Path):
    out = tmp_path / "p"
    args = ["--root", str(ROOT), "generate", "--triples", "3000", "--seed", "3", "--out", str(out)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "Wrote " in first.stdout and (out / "data" / "sources" / "sources.ttl").is_file()
    before = files(out)
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 1 and "--force" in refused.stderr
    again = runner.invoke(cli, [*args, "--force"])
    assert again.exit_code == 0, again.output
    assert files(out) == before


def test_sizes_out_of_range_are_refused(tmp_path: Path):
    with pytest.raises(GenerateError, match="between"):
        make(tmp_path / "p", 10)


def test_generate_outside_a_checkout_says_what_to_do(runner, tmp_path: Path, monkeypatch):
    """An installed kg without the checkout's bench/ directory explains itself."""
    import kg.cli

    monkeypatch.setattr(kg.cli, "__file__", str(tmp_path / "site" / "kg" / "x" / "cli.py"))
    result = runner.invoke(cli, ["--root", str(tmp_path), "generate", "--triples", "3000",
                                 "--out", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert "bench/synthetic/" in result.stderr and "clone the repository" in result.stderr
    assert not (tmp_path / "p").exists()
