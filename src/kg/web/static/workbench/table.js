// The results table: filter, sort by any column, and page through every row of the answer
// (only the rows of the current page are in the document, so ten thousand rows stay quick).
import { isNumber, sharedNote } from "./terms.js";

const PAGE_SIZES = [25, 100, 500];
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// One cell's content: an IRI by label, linked; a literal with its note where it differs.
export function cellContent(term, terms, columnNote) {
  if (!term) return [];
  if (term.type === "uri") {
    const href = terms.href(term.value);
    const text = terms.label(term.value);
    const title = terms.curie(term.value);
    return [href ? element("a", { href, title }, text) : element("span", { title }, text)];
  }
  const note = terms.note(term);
  const value = element("span", { class: "value", title: note ? `${term.value} (${note})` : null },
                        terms.text(term));
  if (!note || note === columnNote) return [value];
  return [value, " ", element("span", { class: "tag" }, note)];
}

function kindOf(term) {
  if (!term) return "empty";
  if (term.type === "uri") return "iri";
  return isNumber(term) ? "literal number" : term.type;
}

export class ResultTable {
  constructor(result, terms, onFilter) {
    this.result = result;
    this.terms = terms;
    this.onFilter = onFilter;
    this.notes = result.columns.map((_, i) => sharedNote(terms, result.rows, i));
    this.sort = null; // { column, descending }
    this.filter = "";
    this.page = 0;
    this.size = PAGE_SIZES[1];
    this.node = element("div", { class: "result-view table-view" });
    this.build();
  }

  // The rows the filter keeps, in the chosen order (all of them, for the charts too).
  get rows() {
    if (this.cached) return this.cached;
    let rows = this.result.rows;
    if (this.filter) {
      const needle = this.filter.toLowerCase();
      this.haystack = this.haystack || new Map(rows.map((row) => [row, row.map((t) => (t
        ? `${this.terms.text(t)}\u0000${t.value}` : "")).join("\u0000").toLowerCase()]));
      rows = rows.filter((row) => this.haystack.get(row).includes(needle));
    }
    if (this.sort) {
      const { column, descending } = this.sort;
      const key = (row) => row[column];
      rows = [...rows].sort((a, b) => this.compare(key(a), key(b)) * (descending ? -1 : 1));
    }
    this.cached = rows;
    return rows;
  }

  compare(a, b) {
    if (!a || !b) return !a && !b ? 0 : a ? -1 : 1; // unbound last
    if (isNumber(a) && isNumber(b)) return Number(a.value) - Number(b.value);
    return collator.compare(this.terms.text(a), this.terms.text(b));
  }

  build() {
    const filter = element("input", { type: "search", id: "result-filter",
                                      placeholder: "words in any column" });
    filter.addEventListener("input", () => {
      this.filter = filter.value.trim();
      this.page = 0;
      this.cached = null;
      this.render();
      this.onFilter();
    });
    this.status = element("span", { class: "matched", role: "status" });
    const tools = element("div", { class: "table-tools" },
                          element("label", { for: "result-filter" }, "Filter "), filter,
                          this.status);
    this.head = element("thead");
    this.body = element("tbody");
    this.pager = element("nav", { class: "pager", "aria-label": "Result pages" });
    this.node.append(tools, element("div", { class: "scroll" },
                     element("table", { class: "result-table" }, this.head, this.body)),
                     this.pager);
    this.render();
  }

  render() {
    this.renderHead();
    const rows = this.rows;
    const pages = Math.max(1, Math.ceil(rows.length / this.size));
    this.page = Math.min(this.page, pages - 1);
    const start = this.page * this.size;
    const shown = rows.slice(start, start + this.size);
    this.body.replaceChildren(...shown.map((row) => element("tr", {}, ...row.map((term, i) =>
      element("td", { class: kindOf(term) },
              ...cellContent(term, this.terms, this.notes[i]))))));
    const total = this.result.rows.length;
    this.status.textContent = this.filter
      ? `${rows.length.toLocaleString("en")} of ${total.toLocaleString("en")} rows match`
      : "";
    this.renderPager(rows.length, pages, start, shown.length);
  }

  // The headings are built once and updated in place, so a sort button keeps the focus.
  renderHead() {
    if (!this.head.firstChild) {
      this.head.append(element("tr", {}, ...this.result.columns.map((name, i) => {
        const button = element("button", { type: "button", class: "sort",
                                           title: `Sort by ${name}` },
          element("span", { class: "name" }, name),
          this.notes[i] ? element("span", { class: "tag" }, this.notes[i]) : null,
          element("span", { class: "arrow", "aria-hidden": "true" }));
        button.addEventListener("click", () => this.sortBy(i));
        return element("th", { scope: "col" }, button);
      })));
    }
    [...this.head.querySelectorAll("th")].forEach((th, i) => {
      const sorted = this.sort && this.sort.column === i;
      const order = sorted ? (this.sort.descending ? "descending" : "ascending") : "none";
      th.setAttribute("aria-sort", order);
      th.querySelector(".arrow").textContent = { ascending: "▲", descending: "▼" }[order] || "↕";
    });
  }

  // First click: ascending; second: descending; third: the answer's own order.
  sortBy(column) {
    const current = this.sort && this.sort.column === column ? this.sort : null;
    this.sort = !current ? { column, descending: false }
      : !current.descending ? { column, descending: true } : null;
    this.cached = null;
    this.render();
    this.onFilter();
  }

  renderPager(count, pages, start, shown) {
    const go = (page, label, text) => {
      const button = element("button", { type: "button", class: "secondary",
                                         "aria-label": label }, text);
      button.disabled = page < 0 || page >= pages || page === this.page;
      button.addEventListener("click", () => { this.page = page; this.render(); });
      return button;
    };
    const size = element("select", { id: "page-size" },
      ...PAGE_SIZES.map((n) => element("option", { value: n, selected: n === this.size }, n)));
    size.addEventListener("change", () => {
      this.size = Number(size.value);
      this.page = 0;
      this.render();
    });
    const where = count
      ? `Rows ${(start + 1).toLocaleString("en")}–${(start + shown).toLocaleString("en")} of `
        + count.toLocaleString("en")
      : "No rows";
    this.pager.replaceChildren(go(0, "First page", "«"), go(this.page - 1, "Previous page", "‹"),
      element("span", { class: "where" }, where), go(this.page + 1, "Next page", "›"),
      go(pages - 1, "Last page", "»"),
      element("label", { for: "page-size", class: "size" }, "Rows per page "), size);
  }
}
