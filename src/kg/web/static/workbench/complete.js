// Completion for the SPARQL editor, from the graph's own vocabulary (/query/vocabulary.json):
// prefixed names of classes, properties and entities; entities, classes and properties by
// their label (inserting the prefixed name); the predeclared prefixes; keywords; variables.
import * as CM from "../vendor/editor.js";

const KEYWORDS = ["SELECT", "DISTINCT", "REDUCED", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS",
  "GRAPH", "BIND", "VALUES", "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK",
  "CONSTRUCT", "DESCRIBE", "PREFIX", "BASE", "NOT EXISTS", "EXISTS", "COUNT", "SAMPLE",
  "GROUP_CONCAT", "SEPARATOR", "STR", "LANG", "LANGMATCHES", "DATATYPE", "CONTAINS",
  "STRSTARTS", "REGEX", "LCASE", "UCASE", "YEAR", "COALESCE", "IF", "BOUND", "ASC", "DESC", "AS"];

function options(vocabulary) {
  const names = [];
  const words = [];
  const add = (term, kind, boost) => {
    const detail = term.type ? `${term.label} · ${term.type}` : term.label;
    names.push({ label: term.name, detail, info: term.doc, type: kind, boost });
    if (term.label && term.label !== term.name) {
      words.push({ label: term.label, detail: term.name, apply: term.name, info: term.doc,
                   type: kind, boost });
    }
    for (const alias of term.aliases || []) {
      words.push({ label: alias, detail: `${term.name} (alias)`, apply: term.name, type: kind,
                   boost: boost - 1 });
    }
  };
  for (const term of vocabulary.classes) add(term, "class", term.name.startsWith("kg:") ? 2 : 0);
  for (const term of vocabulary.properties) {
    add(term, "property", term.name.startsWith("kg:") ? 2 : 0);
  }
  for (const term of vocabulary.entities) add(term, "entity", 1);
  const prefixes = Object.entries(vocabulary.prefixes).map(([prefix, iri]) => (
    { label: `${prefix}:`, detail: iri, type: "namespace" }));
  const declarations = Object.entries(vocabulary.prefixes).map(([prefix, iri]) => (
    { label: `${prefix}:`, detail: iri, apply: `${prefix}: <${iri}>`, type: "namespace" }));
  const keywords = KEYWORDS.map((word) => ({ label: word, type: "keyword", boost: -1 }));
  return { names, words: [...words, ...prefixes, ...keywords], declarations };
}

function variables(doc, from) {
  const seen = new Set();
  for (const match of doc.matchAll(/[?$]([A-Za-z_]\w*)/g)) {
    if (match.index !== from) seen.add(match[1]);
  }
  return [...seen].map((name) => ({ label: `?${name}`, type: "variable" }));
}

// A completion source that waits for the vocabulary (a promise) the first time.
export function completionSource(vocabulary) {
  let built = null;
  return async (context) => {
    const node = CM.syntaxTree(context.state).resolveInner(context.pos, -1);
    if (/comment|string/.test(node.name)) return null;
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    if (/<[^>\s]*$/.test(before)) return null; // inside an IRI
    const variable = context.matchBefore(/[?$]\w*$/);
    if (variable) {
      const text = context.state.doc.toString();
      return { from: variable.from, options: variables(text, variable.from),
               validFor: /^[?$]\w*$/ };
    }
    built = built || options(await vocabulary);
    if (/\bPREFIX\s+[\w-]*$/i.test(before)) {
      const word = context.matchBefore(/[\w-]*$/);
      return { from: word.from, options: built.declarations };
    }
    const name = context.matchBefore(/(?:[A-Za-z][\w.-]*)?:[\w.%-]*$/);
    if (name) {
      const prefix = name.text.slice(0, name.text.indexOf(":") + 1);
      return { from: name.from, options: built.names.filter((o) => o.label.startsWith(prefix)),
               validFor: /^(?:[A-Za-z][\w.-]*)?:[\w.%-]*$/ };
    }
    const word = context.matchBefore(/[\p{L}\p{N}_][\p{L}\p{N}_'’.-]*$/u);
    if (!word ? !context.explicit : word.to - word.from < 2 && !context.explicit) return null;
    return { from: word ? word.from : context.pos, options: built.words,
             validFor: /^[\p{L}\p{N}_][\p{L}\p{N}_'’.-]*$/u };
  };
}
