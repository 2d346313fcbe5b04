// The query page's editor: the CodeMirror 6 pieces that src/kg/web/static/query.js uses,
// re-exported as one ES module. Only third-party code goes into the bundle; the page's own
// scripts stay readable beside it in src/kg/web/static/.
export { EditorSelection, EditorState, Prec } from "@codemirror/state";
export {
  drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
} from "@codemirror/view";
export {
  bracketMatching, indentOnInput, StreamLanguage, syntaxHighlighting, syntaxTree,
} from "@codemirror/language";
export { sparql } from "@codemirror/legacy-modes/mode/sparql";
export { classHighlighter } from "@lezer/highlight";
export { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
export {
  acceptCompletion, autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap,
  completionStatus, startCompletion,
} from "@codemirror/autocomplete";
export { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
export { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
