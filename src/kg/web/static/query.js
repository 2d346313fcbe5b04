// The query page's script. Without it the page is a plain form that the server answers; with
// it the form gets a SPARQL editor (highlighting, completion, the error marked in place),
// queries run through the endpoint without leaving the page (Ctrl/Cmd+Enter), results get
// their views, and the history, permalinks and code snippets come alive.
import { QueryEditor } from "./workbench/editor.js";
import { History } from "./workbench/history.js";
import { showResults } from "./workbench/results.js";
import { enableCopyButtons, share, Snippets } from "./workbench/share.js";
import { readResults, Terms } from "./workbench/terms.js";

const ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";
const FORM = "application/x-www-form-urlencoded";
const SHORT_URL = 2000; // a longer query is not put in the address bar
const EMPTY = { namespace: null, prefixes: {}, classes: [], properties: [], entities: [] };

const form = document.getElementById("query-form");
if (form) start(form);

function start(form) {
  const data = form.dataset;
  const vocabulary = fetch(data.vocabulary, { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : EMPTY)).catch(() => EMPTY);
  const terms = vocabulary.then((v) => new Terms(v, data.labels, data.root));
  const formats = JSON.parse(data.formats);
  const editor = new QueryEditor(document.getElementById("query"),
                                 { css: data.editorCss, vocabulary, onRun: () => run() });
  const errorBox = document.getElementById("error");
  const runButton = form.querySelector("button.run");
  const past = new History(document.getElementById("history"), (query) => {
    editor.text = query;
    editor.focus();
  });
  const snippets = new Snippets(document.getElementById("snippets"), data.snippets,
                                () => editor.text);
  enableCopyButtons(document);
  let running = null;

  const showError = (message) => {
    errorBox.hidden = false;
    errorBox.querySelector("pre").textContent = message;
  };

  const resultsSection = () => {
    let section = document.getElementById("results");
    if (!section) {
      section = document.createElement("section");
      section.className = "results";
      section.id = "results";
      section.setAttribute("aria-labelledby", "results-title");
      errorBox.after(section);
    }
    return section;
  };

  const remember = (query) => {
    const path = new URL(form.action, location.href).pathname;
    const address = `${path}?${new URLSearchParams({ query })}`;
    window.history.replaceState(null, "", address.length <= SHORT_URL ? address : path);
  };

  async function run() {
    const query = editor.text;
    if (!query.trim()) return;
    if (running) running.abort();
    const control = new AbortController();
    running = control;
    runButton.disabled = true;
    runButton.textContent = "Running…";
    errorBox.hidden = true;
    const started = performance.now();
    try {
      const response = await fetch(data.endpoint, {
        method: "POST", signal: control.signal, body: new URLSearchParams({ query }),
        headers: { "Content-Type": FORM, Accept: ACCEPT },
      });
      const body = await response.text();
      const elapsed = performance.now() - started;
      if (!response.ok) {
        showError(body.trim() || `The endpoint answered ${response.status}.`);
        editor.markError(body);
        document.getElementById("results")?.remove();
        past.add(query, `error ${response.status}`);
        return;
      }
      const result = readResults(body, response.headers.get("Content-Type") || "");
      const known = await terms;
      await known.learn(result.rows);
      showResults(resultsSection(), result, known, {
        elapsed, query, formats, endpoint: data.endpoint,
        maxRows: response.headers.get("X-SPARQL-MaxRows"),
      });
      past.add(query, result.kind === "ask" ? String(result.boolean)
        : `${result.rows.length} ${result.kind === "graph" ? "triples" : "rows"}`);
      remember(query);
      snippets.refresh();
    } catch (error) {
      if (error.name !== "AbortError") showError(`The query did not run: ${error.message}`);
    } finally {
      if (running === control) {
        running = null;
        runButton.disabled = false;
        runButton.textContent = "Run query";
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (event.submitter && event.submitter.classList.contains("share")) {
      share(data.share, editor.text, document.getElementById("share-result"));
    } else {
      run();
    }
  });
  for (const link of document.querySelectorAll("section.examples a")) {
    link.addEventListener("click", (event) => {
      if (event.button || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      editor.text = new URL(link.href).searchParams.get("query") || "";
      form.scrollIntoView({ block: "start" });
      run();
    });
  }
  // A page the server answered: mark its error in place, or redraw its results with views.
  if (!errorBox.hidden) editor.markError(errorBox.querySelector("pre").textContent);
  else if (document.getElementById("results")) run();
}
