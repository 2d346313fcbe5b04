// The results section as the script draws it: a count, the views the columns allow (a table
// always; a timeline for dates, bars for a label and a number, a graph for two IRI columns),
// and downloads in every format the endpoint offers.
import { bars, timeline } from "./charts.js";
import { graph } from "./graph.js";
import { element, ResultTable } from "./table.js";
import { columnKind } from "./terms.js";

const SHORT_URL = 2000; // longer queries are downloaded through a POST, not a link

// The views a result allows, each with the columns it starts from.
export function chooseViews(result) {
  const kinds = result.columns.map((_, i) => columnKind(result.rows, i));
  const of = (...wanted) => kinds.flatMap((kind, i) => (wanted.includes(kind) ? [i] : []));
  const [dates, numbers, iris, labels] = [of("date"), of("number"), of("iri"), of("iri", "text")];
  const views = [{ key: "table", title: "Table" }];
  if (dates.length) {
    views.push({ key: "timeline", title: "Timeline",
                 columns: { date: dates[0], end: dates[1] ?? null, label: labels[0] ?? null } });
  }
  if (labels.length && numbers.length) {
    views.push({ key: "bars", title: "Bar chart", columns: { label: labels[0], value: numbers[0] } });
  }
  if (result.kind === "graph" && iris.includes(0)) {
    views.push({ key: "graph", title: "Graph", columns: { from: 0, to: 2, edge: 1 } });
  } else if (iris.length >= 2) {
    views.push({ key: "graph", title: "Graph",
                 columns: { from: iris[0], to: iris[1], edge: iris[2] ?? null } });
  }
  return { views, kinds };
}

const DRAW = { timeline, bars, graph };
const CHOICES = {
  timeline: [["date", "Dates from", "date", false], ["end", "until", "date", true],
             ["label", "labelled by", null, true]],
  bars: [["label", "Labels from", null, false], ["value", "numbers from", "number", false]],
  graph: [["from", "Links from", "iri", false], ["to", "to", "iri", false],
          ["edge", "named by", null, true]],
};

function downloads(query, kind, formats, endpoint) {
  const list = kind === "graph" ? formats.graph : formats.results;
  const params = (name) => new URLSearchParams({ query, format: name });
  const links = list.map((fmt) => {
    if (endpoint.length + params(fmt.name).toString().length <= SHORT_URL) {
      return element("a", { href: `${endpoint}?${params(fmt.name)}`, type: fmt.media_type,
                            download: `results.${fmt.extension}` }, fmt.name.toUpperCase());
    }
    const button = element("button", { type: "button", class: "link" }, fmt.name.toUpperCase());
    button.addEventListener("click", async () => {
      const response = await fetch(endpoint, { method: "POST", body: params(fmt.name) });
      const url = URL.createObjectURL(await response.blob());
      const a = element("a", { href: url, download: `results.${fmt.extension}` });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    });
    return button;
  });
  return element("div", { class: "downloads" }, "Download: ",
                 ...links.flatMap((l, i) => (i ? [" · ", l] : [l])));
}

export function showResults(section, result, terms, meta) {
  const heading = element("h2", { id: "results-title" }, "Results");
  const seconds = `${(meta.elapsed / 1000).toFixed(2)} s`;
  if (result.kind === "ask") {
    section.replaceChildren(heading, element("p", { class: "count" }, `ASK, answered in ${seconds}:`),
      element("p", { class: "boolean" }, result.boolean ? "true" : "false"),
      downloads(meta.query, "select", meta.formats, meta.endpoint));
    return;
  }
  const count = result.rows.length;
  const noun = result.kind === "graph" ? "triple" : "row";
  const cut = meta.maxRows ? `, cut off at the limit of ${meta.maxRows} (setting max_rows)` : "";
  const summary = element("p", { class: "count" },
    `${count.toLocaleString("en")} ${noun}${count === 1 ? "" : "s"} in ${seconds}${cut}.`);
  const { views, kinds } = chooseViews(result);
  const tabs = element("div", { class: "view-tabs", role: "tablist", "aria-label": "Result views" });
  const panels = element("div", { class: "view-panels" });
  const table = new ResultTable(result, terms, () => redraw());
  let current = "table";
  const panelOf = new Map();
  const redraw = () => {
    const view = views.find((v) => v.key === current);
    if (view.key !== "table") drawChart(view, panelOf.get(view.key));
  };
  const drawChart = (view, panel) => {
    const width = Math.max(320, Math.floor(panels.clientWidth || 900));
    const { node, note } = DRAW[view.key](table.rows, view.columns, terms, width);
    panel.querySelector(".chart-area").replaceChildren(...(node ? [node] : []));
    panel.querySelector(".chart-note").textContent = note
      + (table.filter ? " Only the rows the table's filter keeps." : "");
  };
  for (const view of views) {
    const tab = element("button", { type: "button", role: "tab", id: `tab-${view.key}`,
                                    "aria-controls": `view-${view.key}`,
                                    "aria-selected": view.key === "table" ? "true" : "false",
                                    class: "tab" }, view.title);
    const panel = element("div", { role: "tabpanel", id: `view-${view.key}`,
                                   "aria-labelledby": `tab-${view.key}`,
                                   hidden: view.key !== "table" });
    if (view.key === "table") panel.append(table.node);
    else panel.append(chooser(view, result.columns, kinds, () => drawChart(view, panel)),
                      element("div", { class: "chart-area" }), element("p", { class: "chart-note" }));
    tab.addEventListener("click", () => {
      current = view.key;
      for (const [key, p] of panelOf) p.hidden = key !== view.key;
      for (const t of tabs.children) t.setAttribute("aria-selected", String(t === tab));
      redraw();
    });
    panelOf.set(view.key, panel);
    tabs.append(tab);
    panels.append(panel);
  }
  section.replaceChildren(heading, summary, ...(views.length > 1 ? [tabs] : []), panels,
                          downloads(meta.query, result.kind, meta.formats, meta.endpoint));
}

// The selects that say which columns a chart is drawn from.
function chooser(view, columns, kinds, onChange) {
  const form = element("div", { class: "chooser" });
  for (const [role, text, kind, optional] of CHOICES[view.key]) {
    const id = `${view.key}-${role}`;
    const select = element("select", { id });
    if (optional) select.append(element("option", { value: "" }, "(none)"));
    columns.forEach((name, i) => {
      if (kind && kinds[i] !== kind) return;
      select.append(element("option", { value: i, selected: view.columns[role] === i }, `?${name}`));
    });
    select.addEventListener("change", () => {
      view.columns[role] = select.value === "" ? null : Number(select.value);
      onChange();
    });
    form.append(element("label", { for: id }, text), select);
  }
  return form;
}
