"""One table of settings, each overridable by a `KG_<NAME>` environment variable.

This is the only module that reads the environment. Path defaults may refer to
settings defined earlier in the table (`{root}`, `{build_dir}`), so moving the
build directory also moves the artifact unless the artifact is set explicitly.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError

ENV_PREFIX = "KG_"
MAX_SECONDS = 86400.0  # a day: beyond that a "time limit" is no limit at all


class SettingsError(KgError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | float | int | None
    help: str
    kind: type = Path
    choices: tuple[str, ...] = ()

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("root", None, "Project root (default: the checkout holding ontology/, else cwd)"),
    Setting("ontology_dir", "{root}/ontology", "Directory of OWL ontology files (*.ttl)"),
    Setting("shapes_dir", "{root}/shapes", "Directory of SHACL shapes files (*.ttl)"),
    Setting("data_dir", "{root}/data", "Directory of extracted facts, one <stem>.ttl per source"),
    Setting("sources_dir", "{data_dir}/sources", "Source texts <stem>.txt and their descriptions"),
    Setting("build_dir", "{root}/build", "Directory for build outputs"),
    Setting("artifact", "{build_dir}/kg.nq", "The built dataset (N-Quads)"),
    Setting("summary", "{build_dir}/summary.json", "Build summary (JSON)"),
    Setting("query_timeout_s", 10.0,
            "Time limit for one SPARQL query, in seconds; a request may lower it, never raise it",
            float),
    Setting("max_rows", 10000, "Most result rows (or triples) one query returns; more are cut off "
            "and the cut is flagged", int),
    Setting("max_query_chars", 100_000, "Longest SPARQL query accepted, in characters", int),
    Setting("max_body_bytes", 1_048_576, "Largest request body accepted, in bytes", int),
    Setting("host", "127.0.0.1", "Interface `kg serve` listens on", str),
    Setting("port", 5000, "Port `kg serve` listens on", int),
    Setting("workers", 2, "Worker processes of `kg serve` (each holds the store, shared "
            "copy-on-write)", int),
    Setting("threads", 4, "Request threads per worker process", int),
    Setting("base_url", "", "Public URL of the app, e.g. https://example.org/ "
            "(default: taken from each request)", str),
    Setting("pid_file", "{build_dir}/serve.pid", "Where `kg serve` writes its master process id "
            "(send it SIGHUP to reload a new build)"),
    Setting("reasoning", "on", "OWL-RL reasoning at build time: on, or off for very large "
            "graphs", str, ("on", "off")),
    Setting("validation", "on", "SHACL validation at build time: on, or off for very large "
            "graphs", str, ("on", "off")),
    Setting("store_url", "", "SPARQL query endpoint of a remote store to serve instead of the "
            "embedded one (default: embedded)", str),
    Setting("store_update_url", "", "SPARQL Graph Store Protocol endpoint that `kg load` "
            "pushes to (default: <store_url> with /store for /query)", str),
    Setting("permalink_db", "{build_dir}/permalinks.sqlite", "SQLite file of the query page's "
            "permalinks (a build leaves it alone)"),
    Setting("permalink_max_entries", 100_000, "Most permalinks kept; beyond it new ones are "
            "refused (existing ones never expire)", int),
    Setting("permalink_max_bytes", 67_108_864, "Most bytes of query text the permalinks hold "
            "in all", int),
    Setting("permalinks_per_hour", 120, "New permalinks one client address may make in an "
            "hour", int),
)


@dataclass(frozen=True)
class Settings:
    root: Path
    ontology_dir: Path
    shapes_dir: Path
    data_dir: Path
    sources_dir: Path
    build_dir: Path
    artifact: Path
    summary: Path
    query_timeout_s: float
    max_rows: int
    max_query_chars: int
    max_body_bytes: int
    host: str
    port: int
    workers: int
    threads: int
    base_url: str
    pid_file: Path
    reasoning: str
    validation: str
    store_url: str
    store_update_url: str
    permalink_db: Path
    permalink_max_entries: int
    permalink_max_bytes: int
    permalinks_per_hour: int


def default_root() -> Path:
    """The source checkout when running from one, else the working directory."""
    checkout = Path(__file__).resolve().parents[2]
    return checkout if (checkout / "ontology").is_dir() else Path.cwd()


def _convert(setting: Setting, raw: object, resolved: dict[str, object]) -> object:
    if setting.kind is str:
        if setting.choices and str(raw) not in setting.choices:
            raise SettingsError(f"{setting.name} ({setting.env_var}) must be one of "
                                f"{', '.join(setting.choices)}, got {raw!r}")
        return str(raw)
    if setting.kind is int:
        try:
            number = int(str(raw))
        except ValueError:
            raise SettingsError(
                f"{setting.name} ({setting.env_var}) must be a whole number, got {raw!r}"
            ) from None
        if number < 1 or (setting.name == "port" and number > 65535):
            raise SettingsError(
                f"{setting.name} ({setting.env_var}) must be at least 1"
                f"{' and at most 65535' if setting.name == 'port' else ''}, got {raw!r}"
            )
        return number
    if setting.kind is float:
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise SettingsError(
                f"{setting.name} ({setting.env_var}) must be a number, got {raw!r}"
            ) from None
        if not math.isfinite(value) or not 0 < value <= MAX_SECONDS:
            raise SettingsError(
                f"{setting.name} ({setting.env_var}) must be a number of seconds "
                f"above 0 and at most {MAX_SECONDS:g}, got {raw!r}"
            )
        return value
    path = Path(str(raw)).expanduser()
    if setting.name == "root":
        return path.resolve()
    return path if path.is_absolute() else resolved["root"] / path  # type: ignore[operator]


def load_settings(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Resolve every setting: explicit override, then `KG_<NAME>`, then the default.

    Overrides whose value is None are ignored, so CLI options can be passed through as-is.
    """
    known = {s.name for s in SETTINGS}
    unknown = set(overrides) - known
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    environ = os.environ if env is None else env
    resolved: dict[str, object] = {}
    for setting in SETTINGS:
        raw = overrides.get(setting.name)
        if raw is None:
            raw = environ.get(setting.env_var)
        if raw is None and setting.name == "root":
            raw = default_root()
        elif raw is None and isinstance(setting.default, str) and setting.kind is Path:
            # Only defaults are templates; a relative path given by the user (an option or a
            # KG_* variable) is taken from the project root, like the defaults.
            raw = setting.default.format(**{k: str(v) for k, v in resolved.items()})
        elif raw is None:
            raw = setting.default
        resolved[setting.name] = _convert(setting, raw, resolved)
    return Settings(**resolved)  # type: ignore[arg-type]

