// The SPARQL editor: CodeMirror 6 (vendor/editor.js) in place of the form's textarea, which
// it keeps in step, so the plain form still posts whatever the editor holds.
//
// The editor lives in a shadow root: CodeMirror then styles itself with constructed style
// sheets, which the page's Content-Security-Policy (style-src 'self') allows, where the
// <style> element it would add to a document is refused. Its look is editor.css.
import * as CM from "../vendor/editor.js";
import { completionSource } from "./complete.js";

// Where an error message puts the error: "line 3, column 5", "line:3, col:5", "at 3:5",
// "3:5: …", or "at char 17" (an offset). Defensive: the endpoint's wording may change.
const POSITIONS = [
  [/\bline\s*:?\s*(\d+)\s*,?\s*col(?:umn)?\s*:?\s*(\d+)/i, "line"],
  [/\bat\s+(\d+):(\d+)\b/i, "line"],
  [/(?:^|[\s(])(\d+):(\d+)(?=[:\s),]|$)/m, "line"],
  [/\bat char(?:acter)?\s+(\d+)/i, "offset"],
];

export function errorPosition(message) {
  for (const [pattern, kind] of POSITIONS) {
    const match = pattern.exec(message);
    if (match && kind === "line") return { line: +match[1], column: +match[2] };
    if (match) return { offset: +match[1] };
  }
  return null;
}

// A document offset for a 1-based line and column counted in characters (code points).
function offsetOf(doc, where) {
  if (where.offset !== undefined) return Math.min(where.offset, doc.length);
  if (where.line < 1) return null;
  if (where.line > doc.lines) return doc.length;
  const line = doc.line(where.line);
  const before = Array.from(line.text).slice(0, Math.max(0, where.column - 1)).join("");
  return line.from + Math.min(before.length, line.length);
}

export class QueryEditor {
  constructor(textarea, { css, vocabulary, onRun }) {
    this.textarea = textarea;
    const host = document.createElement("div");
    host.className = "editor-host";
    textarea.after(host);
    const root = host.attachShadow({ mode: "open" });
    const sheet = document.createElement("link");
    sheet.rel = "stylesheet";
    sheet.href = css;
    root.append(sheet);
    const run = () => { onRun(); return true; };
    this.view = new CM.EditorView({
      root,
      parent: root,
      state: CM.EditorState.create({
        doc: textarea.value,
        extensions: [
          CM.Prec.highest(CM.keymap.of([{ key: "Mod-Enter", run }])),
          CM.lineNumbers(), CM.highlightActiveLineGutter(), CM.history(), CM.drawSelection(),
          CM.indentOnInput(), CM.bracketMatching(), CM.closeBrackets(), CM.highlightActiveLine(),
          CM.highlightSelectionMatches(), CM.lintGutter(), CM.EditorView.lineWrapping,
          CM.StreamLanguage.define(CM.sparql), CM.syntaxHighlighting(CM.classHighlighter),
          CM.autocompletion({ override: [completionSource(vocabulary)], icons: false }),
          CM.keymap.of([...CM.closeBracketsKeymap, ...CM.defaultKeymap, ...CM.searchKeymap,
                        ...CM.historyKeymap, ...CM.completionKeymap, ...CM.lintKeymap]),
          CM.EditorView.contentAttributes.of({ "aria-label": "SPARQL query",
                                               "aria-describedby": "query-help" }),
          CM.EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            textarea.value = update.state.doc.toString();
            if (this.errorAt !== undefined) setTimeout(() => this.clearError(), 0);
          }),
        ],
      }),
    });
    textarea.form.classList.add("enhanced");
    const label = textarea.form.querySelector(`label[for="${textarea.id}"]`);
    if (label) label.addEventListener("click", () => this.view.focus());
  }

  get text() { return this.view.state.doc.toString(); }

  set text(value) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: value } });
    this.textarea.value = value;
  }

  focus() { this.view.focus(); }

  // Marks the place an error message names (if it names one); returns whether it did.
  markError(message) {
    const where = errorPosition(message);
    const doc = this.view.state.doc;
    const from = where && offsetOf(doc, where);
    if (from === null || from === undefined) return false;
    const line = doc.lineAt(from);
    const word = /^[\w:?$-]+/.exec(doc.sliceString(from, line.to));
    const to = Math.min(line.to, from + (word ? word[0].length : 1));
    const first = message.split("\n")[0];
    this.view.dispatch(CM.setDiagnostics(this.view.state, [
      { from, to, severity: "error", message: first, source: "endpoint" }]));
    this.view.dispatch({ effects: CM.EditorView.scrollIntoView(from, { y: "center" }) });
    this.errorAt = from;
    return true;
  }

  clearError() {
    if (this.errorAt === undefined) return;
    this.errorAt = undefined;
    this.view.dispatch(CM.setDiagnostics(this.view.state, []));
  }
}
