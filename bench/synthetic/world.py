"""The invented world a synthetic project describes: states, cities, organisations, groups,
envoys, resolutions and conference series, each with one IRI shared by every source."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from kg.errors import KgError

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
GROUP_KINDS = [("PoliticalGroup", "Movement"), ("PoliticalGroup", "Front"),
               ("PoliticalGroup", "Platform"), ("ArmedGroup", "Brigades"),
               ("ArmedGroup", "Army"), ("ArmedGroup", "Forces")]


class GenerateError(KgError):
    """The generator cannot write the project it was asked for."""


@dataclass
class Entity:
    iri: str  # local name under id:
    label: str
    types: tuple[str, ...]  # local names under kg:
    # Set the first time a fact about the entity itself is stated anywhere (once per world).
    introduced: bool = False
    # What some kinds carry, None or 0 for the others.
    within: Entity | None = None  # a city's state; the country a series is held in
    organisation: Entity | None = None  # an envoy's; a resolution's body; a series' organiser
    day: date | None = None  # a resolution's adoption; a series' earliest first round
    number: int = 0  # a resolution's number; how many rounds of a series are written
    spacing: int = 0  # days between the rounds of a series

    def declaration(self) -> str:
        kinds = " , ".join(f"kg:{t}" for t in self.types)
        return f'id:{self.iri} a {kinds} ;\n    rdfs:label "{self.label}"@en .\n'

    @property
    def declared_triples(self) -> int:
        return len(self.types) + 1



def invented_names(rng: random.Random) -> Iterator[str]:
    """Unique pronounceable names of three syllables (then four, once those run out).

    Multiplying by a number prime to the count of names permutes them, so successive
    names differ in every syllable and none repeats.
    """
    base = len(SYLLABLES)
    order = list(range(base))
    rng.shuffle(order)
    for length in (3, 4, 5):
        size = base**length
        for index in range(size):
            n = (index * 7919 + 12345) % size
            digits = []
            for _ in range(length):
                n, digit = divmod(n, base)
                digits.append(SYLLABLES[order[digit]])
            yield "".join(digits).capitalize()
    raise GenerateError("ran out of names")


def slug(text: str) -> str:
    return "-".join(text.lower().split())



@dataclass
class World:
    """The invented things, shared by every source so that one thing has one IRI."""

    states: list[Entity]
    cities: list[Entity]
    organisations: list[Entity]
    groups: list[Entity]
    envoys: list[Entity]
    resolutions: list[Entity]
    series: list[Entity]
    names: Iterator[str]

    @property
    def parties(self) -> list[Entity]:
        return self.states + self.groups + self.organisations


def make_world(triples: int, rng: random.Random) -> World:
    names = invented_names(rng)
    scale = max(1, triples)

    def count(per: int, least: int) -> int:
        return max(least, scale // per)

    states = [Entity(slug(n), n, ("State", "Country")) for n in
              (next(names) for _ in range(count(4_000, 8)))]
    cities = []
    for _ in range(count(2_000, 8)):
        name = next(names)
        cities.append(Entity("city-" + slug(name), name, ("City",), within=rng.choice(states)))
    organisations = []
    for i in range(count(200_000, 3)):
        name = next(names) + (" Union", " League", " Council")[i % 3]
        organisations.append(Entity(slug(name), name, ("InternationalOrganization",)))
    groups = []
    for _ in range(count(1_000, 12)):
        kind, word = rng.choice(GROUP_KINDS)
        name = f"{next(names)} {word}"
        groups.append(Entity(slug(name), name, (kind,)))
    envoys = []
    for _ in range(count(5_000, 4)):
        name = f"{next(names)} {next(names)}"
        envoys.append(Entity(slug(name), name, ("Envoy",),
                             organisation=rng.choice(organisations)))
    resolutions = []
    for number in rng.sample(range(1000, 1000 + count(2_000, 5) * 8), count(2_000, 5)):
        body = rng.choice(organisations)
        adopted = date(2000, 1, 1) + timedelta(days=rng.randrange(0, 365 * 12))
        resolutions.append(Entity(f"resolution-{number}", f"Resolution {number}",
                                  ("Resolution",), organisation=body, day=adopted,
                                  number=number))
    series = []
    # About three sources per series, and rounds spaced so that a series spans a decade.
    sources = source_count(triples)
    per_series = max(1.0, triples / 150 / max(2, sources // 3))
    spacing = max(2, min(45, int(3650 / per_series)))
    for _ in range(max(2, sources // 3)):
        name = f"{next(names)} talks"
        start = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 365 * 8))
        organiser, country = rng.choice(organisations), rng.choice(states)
        series.append(Entity(slug(name), name, ("ConferenceSeries",), within=country,
                             organisation=organiser, day=start, spacing=spacing))
    return World(states, cities, organisations, groups, envoys, resolutions, series, names)


def source_count(triples: int) -> int:
    """How many source documents a project of this size has: grows as the square root."""
    return max(3, round(math.sqrt(triples) / 8))


