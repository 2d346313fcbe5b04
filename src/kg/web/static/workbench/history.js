// The queries run from this page, newest first, kept in this browser's localStorage only.
import { element } from "./table.js";

const KEY = "kg.query.history";
const KEEP = 50;

function load() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) || "[]");
    return Array.isArray(list) ? list.filter((e) => e && typeof e.query === "string") : [];
  } catch {
    return []; // storage off or its entry unreadable: start afresh
  }
}

export class History {
  constructor(details, onPick) {
    this.details = details;
    this.list = details.querySelector("ol");
    this.empty = details.querySelector(".empty");
    this.clear = details.querySelector(".clear");
    this.onPick = onPick;
    this.clear.addEventListener("click", () => this.save([]));
    details.hidden = false;
    this.render();
  }

  add(query, outcome) {
    const entries = load().filter((e) => e.query !== query);
    entries.unshift({ query, at: new Date().toISOString(), outcome });
    this.save(entries.slice(0, KEEP));
  }

  save(entries) {
    try {
      localStorage.setItem(KEY, JSON.stringify(entries));
    } catch {
      // storage full or off: the history just is not kept
    }
    this.render();
  }

  render() {
    const entries = load();
    this.details.querySelector("summary").textContent = `History (${entries.length})`;
    this.empty.hidden = entries.length > 0;
    this.clear.hidden = entries.length === 0;
    this.list.replaceChildren(...entries.map((entry) => {
      const first = entry.query.split("\n").find((l) => l.trim() && !/^\s*(#|PREFIX\b)/i.test(l))
        || entry.query.split("\n")[0];
      const when = new Date(entry.at);
      const button = element("button", { type: "button", class: "pick", title: entry.query },
        element("code", {}, first.trim().slice(0, 90)),
        element("span", { class: "meta" }, `${when.toLocaleString("en-GB", {
          dateStyle: "medium", timeStyle: "short" })} · ${entry.outcome || ""}`));
      button.addEventListener("click", () => this.onPick(entry.query));
      return element("li", {}, button);
    }));
  }
}
