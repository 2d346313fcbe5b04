"""Synthetic projects of any size, for measuring how the build and the server scale.

`generate(out, triples, seed, ontology_dir, shapes_dir)` writes a complete project at
`out`: a copy of the ontology and shapes, and a set of invented source documents, each a
text made of templated sentences (`data/sources/<stem>.txt`) with its facts
(`data/<stem>.ttl`) and a description in `data/sources/sources.ttl`. The world it
describes is made up but follows the project's modelling rules, so the build, the shapes
and the data tests hold for it:

- conference series with numbered rounds (kg:Conference), each dated, located in a city,
  mediated by an envoy and based on a Security Council style resolution;
- parties (states, political and armed groups, international organisations) that attend
  rounds, support each other or a resolution, and condemn attacks or each other;
- every fact has an rdf:Statement evidence node in the same graph whose kg:quote is a
  sentence of the source text, verbatim; worded values (kg:outcome, kg:jobTitle) are
  inside their quote; every entity a graph mentions is typed and labelled there, with
  the same label and types in every graph.

The output is deterministic: the same size, seed and ontology give byte-identical files.
Sizes count asserted triples (ontology + source descriptions + facts and evidence), the
`triples.asserted` figure of the build summary, and land within about 1% of the target.

A benchmark tool, not part of the library: `kg generate` loads it from the checkout's bench/
directory, and from the checkout's root it imports as `bench.synthetic`.
"""

from .project import MAX_TRIPLES, MIN_TRIPLES, generate
from .world import GenerateError, source_count

__all__ = ["MAX_TRIPLES", "MIN_TRIPLES", "GenerateError", "generate", "source_count"]
