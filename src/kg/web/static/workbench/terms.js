// RDF terms as the results show them: IRIs by label and linked to their page, literals with
// their language or datatype apart, dates and numbers recognised for the charts.
const XSD = "http://www.w3.org/2001/XMLSchema#";
const NUMERIC = new Set(["integer", "decimal", "double", "float", "int", "long", "short", "byte",
  "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
  "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"].map((t) => XSD + t));
const DATES = new Set(["date", "dateTime", "gYear", "gYearMonth"].map((t) => XSD + t));
const SAFE_LINK = /^https?:\/\//;

export class Terms {
  constructor(vocabulary, labelsUrl, root = "/") {
    this.namespace = vocabulary.namespace;
    this.root = root;
    this.prefixes = Object.entries(vocabulary.prefixes).sort((a, b) => b[1].length - a[1].length);
    this.labelsUrl = labelsUrl;
    this.labels = new Map();
    for (const group of [vocabulary.classes, vocabulary.properties, vocabulary.entities]) {
      for (const term of group) this.labels.set(term.iri, term.label);
    }
    this.asked = new Set(this.labels.keys());
  }

  curie(iri) {
    for (const [prefix, namespace] of this.prefixes) {
      const local = iri.slice(namespace.length);
      if (iri.startsWith(namespace) && /^[\w][\w\-./]*$/.test(local) && !local.endsWith(".")) {
        return `${prefix}:${local}`;
      }
    }
    return `<${iri}>`;
  }

  // The app's own page for a project IRI, the IRI itself for other web IRIs, else null.
  href(iri) {
    if (this.namespace && iri.startsWith(this.namespace)) {
      return this.root + iri.slice(this.namespace.length);
    }
    return SAFE_LINK.test(iri) ? iri : null;
  }

  label(iri) { return this.labels.get(iri) || this.curie(iri); }

  // Fetches the labels of the IRIs among `rows` not yet known (evidence, graphs, beyond the
  // vocabulary's entities), a few thousand at a time.
  async learn(rows) {
    const wanted = new Set();
    for (const row of rows) {
      for (const term of row) {
        if (term && term.type === "uri" && !this.asked.has(term.value)) wanted.add(term.value);
      }
    }
    const iris = [...wanted];
    for (const iri of iris) this.asked.add(iri);
    for (let i = 0; i < iris.length; i += 5000) {
      const response = await fetch(this.labelsUrl, {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ iris: iris.slice(i, i + 5000) }),
      });
      if (!response.ok) return;
      const { labels } = await response.json();
      for (const [iri, label] of Object.entries(labels)) this.labels.set(iri, label);
    }
  }

  // The language tag or datatype shown beside a literal; none for a plain string.
  note(term) {
    if (!term || term.type !== "literal") return null;
    if (term["xml:lang"]) return `@${term["xml:lang"]}`;
    if (!term.datatype || term.datatype === XSD + "string") return null;
    return this.curie(term.datatype);
  }

  text(term) {
    if (!term) return "";
    if (term.type === "uri") return this.label(term.value);
    if (term.type === "bnode") return `_:${term.value}`;
    if (term.type === "triple") return "<< … >>";
    return term.value;
  }
}

export function isNumber(term) {
  return !!term && term.type === "literal" && NUMERIC.has(term.datatype)
    && Number.isFinite(Number(term.value));
}

// A date literal as [start, end) in milliseconds since 1970 (UTC), or null.
export function dateRange(term) {
  if (!term || term.type !== "literal" || !DATES.has(term.datatype)) return null;
  const match = /^(-?\d{4,})(?:-(\d\d))?(?:-(\d\d))?/.exec(term.value);
  if (!match) return null;
  const [year, month, day] = [+match[1], match[2] ? +match[2] - 1 : null, match[3] ? +match[3] : null];
  const start = Date.UTC(year, month ?? 0, day ?? 1);
  const end = day !== null ? Date.UTC(year, month, day + 1)
    : month !== null ? Date.UTC(year, month + 1, 1) : Date.UTC(year + 1, 0, 1);
  return Number.isFinite(start) ? [start, end] : null;
}

// The common language tag or datatype of a column's literals, if they all agree.
export function sharedNote(terms, rows, column) {
  let shared;
  for (const row of rows) {
    const term = row[column];
    if (!term || term.type !== "literal") continue;
    const note = terms.note(term);
    if (shared === undefined) shared = note;
    else if (shared !== note) return null;
  }
  return shared ?? null;
}

// What a column holds, for choosing the views: iri, number, date or text (or empty).
export function columnKind(rows, column) {
  const counts = { iri: 0, number: 0, date: 0, text: 0 };
  let filled = 0;
  for (const row of rows) {
    const term = row[column];
    if (!term) continue;
    filled += 1;
    if (term.type === "uri") counts.iri += 1;
    else if (isNumber(term)) counts.number += 1;
    else if (dateRange(term)) counts.date += 1;
    else counts.text += 1;
  }
  if (!filled) return "empty";
  const [kind, count] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  return count >= 0.9 * filled ? kind : "text";
}

// SPARQL JSON results (or an N-Triples graph) as columns and rows of terms.
export function readResults(body, contentType) {
  if (/n-triples/.test(contentType)) {
    return { kind: "graph", columns: ["subject", "predicate", "object"], rows: nTriples(body) };
  }
  const data = JSON.parse(body);
  if ("boolean" in data) return { kind: "ask", boolean: data.boolean, columns: [], rows: [] };
  const columns = data.head.vars;
  return { kind: "select", columns,
           rows: data.results.bindings.map((b) => columns.map((name) => b[name] || null)) };
}

const NT_TERM = /\s*(?:<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?)/y;
const UNESCAPE = { t: "\t", b: "\b", n: "\n", r: "\r", f: "\f", '"': '"', "'": "'", "\\": "\\" };

function unescape(text) {
  return text.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (_, u, U, c) =>
    (u || U ? String.fromCodePoint(parseInt(u || U, 16)) : UNESCAPE[c] ?? c));
}

function nTriples(body) {
  const rows = [];
  for (const line of body.split("\n")) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const row = [];
    NT_TERM.lastIndex = 0;
    for (let i = 0; i < 3; i += 1) {
      const m = NT_TERM.exec(line);
      if (!m) break;
      if (m[1] !== undefined) row.push({ type: "uri", value: unescape(m[1]) });
      else if (m[2] !== undefined) row.push({ type: "bnode", value: m[2] });
      else {
        const term = { type: "literal", value: unescape(m[3]) };
        if (m[4]) term["xml:lang"] = m[4];
        else term.datatype = m[5] || XSD + "string";
        row.push(term);
      }
    }
    if (row.length === 3) rows.push(row);
  }
  return rows;
}
