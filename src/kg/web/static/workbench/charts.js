// Pictures of a result, drawn here as SVG (no chart library, nothing from elsewhere): a
// timeline for a column of dates, bars for a label column and a number column. Colours and
// type come from workbench.css through classes (the page's policy allows no inline style).
import { dateRange } from "./terms.js";

const SVG = "http://www.w3.org/2000/svg";
export const CHAR_W = 6.8; // average width of a 12px label character, for layout
const ROW_H = 22;
const MAX_MARKS = 400;
const MAX_BARS = 60;
const LANE_GAP = 18; // between two labels in one lane, so no mark seems to be another's

export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function picture(width, height, label, className) {
  return svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img",
                      "aria-label": label, class: `chart ${className}` });
}

// A mark wrapped in a link to the entity's page when it has one.
export function linked(href, ...children) {
  return href ? svg("a", { href }, ...children) : svg("g", {}, ...children);
}

function clip(text, chars) {
  return text.length > chars ? `${text.slice(0, Math.max(1, chars - 1))}…` : text;
}

const YEAR = 365.2425 * 864e5;

function ticks(min, max, width) {
  const span = max - min;
  const room = Math.max(2, Math.floor(width / 90));
  if (span < 2 * YEAR) {
    const step = [1, 2, 3, 6].find((m) => span / (m * YEAR / 12) <= room) || 12;
    const out = [];
    const first = new Date(min);
    let d = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1);
    for (; d <= max; d = Date.UTC(new Date(d).getUTCFullYear(), new Date(d).getUTCMonth() + step, 1)) {
      const date = new Date(d);
      out.push([d, date.toLocaleString("en", { month: "short", timeZone: "UTC" })
        + (date.getUTCMonth() < step ? ` ${date.getUTCFullYear()}` : "")]);
    }
    return out;
  }
  const step = [1, 2, 5, 10, 20, 50, 100].find((y) => span / (y * YEAR) <= room) || 200;
  const out = [];
  for (let y = Math.ceil(new Date(min).getUTCFullYear() / step) * step;
    Date.UTC(y, 0, 1) <= max; y += step) out.push([Date.UTC(y, 0, 1), String(y)]);
  return out;
}

// Rows as marks along time: a dot on its date, a bar to its end date when there is one,
// labels placed in the first lane where they fit.
export function timeline(rows, { date, end, label }, terms, width) {
  const items = [];
  for (const row of rows) {
    const range = dateRange(row[date]);
    if (!range) continue;
    const until = end !== null ? dateRange(row[end]) : null;
    const named = label !== null ? row[label] : null;
    items.push({ start: range[0], stop: until ? until[1] : null, when: row[date].value
                   + (until ? ` – ${row[end].value}` : ""),
                 text: named ? terms.text(named) : row[date].value,
                 href: named && named.type === "uri" ? terms.href(named.value) : null });
  }
  items.sort((a, b) => a.start - b.start);
  const shown = items.slice(0, MAX_MARKS);
  if (!shown.length) return { node: null, note: "No row has a date in this column." };
  let min = Math.min(...shown.map((i) => i.start));
  let max = Math.max(...shown.map((i) => i.stop ?? i.start));
  const pad = Math.max((max - min) * 0.03, 15 * 864e5);
  [min, max] = [min - pad, max + pad];
  const x = (t) => 12 + ((t - min) / (max - min)) * (width - 24);
  const lanes = [];
  const marks = shown.map((item) => {
    const x1 = x(item.start);
    const x2 = item.stop !== null ? Math.max(x(item.stop), x1 + 2) : x1;
    const words = Math.ceil(clip(item.text, 40).length * CHAR_W) + 8;
    const left = x2 + words > width; // no room on the right: the label goes left of the mark
    const span = left ? [x1 - words - 6, x2] : [x1 - 5, x2 + words];
    let lane = lanes.findIndex((end) => end + LANE_GAP < span[0]);
    if (lane < 0) lane = lanes.push(0) - 1;
    lanes[lane] = span[1];
    return { item, x1, x2, left, lane };
  });
  const height = 34 + lanes.length * ROW_H + 8;
  const root = picture(width, height, `Timeline of ${shown.length} rows`, "timeline");
  const axis = svg("g", { class: "axis" }, svg("line", { x1: 0, x2: width, y1: 24, y2: 24 }));
  for (const [t, text] of ticks(min, max, width)) {
    axis.append(svg("line", { class: "grid", x1: x(t), x2: x(t), y1: 20, y2: height }),
                svg("text", { x: x(t) + 3, y: 14 }, text));
  }
  root.append(axis);
  for (const { item, x1, x2, left, lane } of marks) {
    const y = 34 + lane * ROW_H + ROW_H / 2;
    root.append(svg("g", { class: "mark" }, svg("title", {}, `${item.text}: ${item.when}`),
      linked(item.href,
        x2 > x1 ? svg("rect", { class: "span", x: x1, y: y - 4, width: x2 - x1, height: 8,
                                rx: 3 }) : null,
        svg("circle", { cx: x1, cy: y, r: 4.5 }),
        svg("text", { x: left ? x1 - 8 : x2 + 8, y: y + 4, "text-anchor": left ? "end" : "start" },
            clip(item.text, 40)))));
  }
  const note = (items.length > shown.length ? `The first ${shown.length} of ${items.length} dated rows`
    : `${items.length} dated rows`) + (items.length < rows.length ? ` (of ${rows.length}).` : ".");
  return { node: root, note };
}

function niceStep(span) {
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
}

// One bar per row, longest first: the number column against the label column.
export function bars(rows, { label, value }, terms, width) {
  const items = rows.filter((row) => row[value] && Number.isFinite(Number(row[value].value)))
    .map((row) => ({ value: Number(row[value].value), text: row[label] ? terms.text(row[label]) : "",
                     href: row[label] && row[label].type === "uri"
                       ? terms.href(row[label].value) : null }))
    .sort((a, b) => b.value - a.value);
  const shown = items.slice(0, MAX_BARS);
  if (!shown.length) return { node: null, note: "No row has a number in this column." };
  const chars = Math.min(32, Math.max(...shown.map((i) => i.text.length)));
  const left = Math.min(width * 0.42, chars * CHAR_W + 14);
  const low = Math.min(0, ...shown.map((i) => i.value));
  const high = Math.max(0, ...shown.map((i) => i.value));
  const step = niceStep(high - low || 1);
  const top = Math.ceil(high / step) * step || step;
  const bottom = Math.floor(low / step) * step;
  const x = (v) => left + ((v - bottom) / (top - bottom)) * (width - left - 48);
  const height = 24 + shown.length * ROW_H + 4;
  const root = picture(width, height, `Bar chart of ${shown.length} rows`, "bars");
  const axis = svg("g", { class: "axis" });
  for (let v = bottom; v <= top + step / 2; v += step) {
    axis.append(svg("line", { class: "grid", x1: x(v), x2: x(v), y1: 18, y2: height }),
                svg("text", { x: x(v), y: 12, "text-anchor": "middle" },
                    Number(v.toPrecision(6)).toLocaleString("en")));
  }
  root.append(axis);
  shown.forEach((item, i) => {
    const y = 24 + i * ROW_H;
    const [a, b] = [x(Math.min(0, item.value)), x(Math.max(0, item.value))];
    root.append(svg("g", { class: "mark" }, svg("title", {}, `${item.text}: ${item.value}`),
      linked(item.href, svg("text", { class: "label", x: left - 8, y: y + 12,
                                      "text-anchor": "end" }, clip(item.text, 32))),
      svg("rect", { class: "bar", x: a, y: y + 2, width: Math.max(1, b - a), height: 14, rx: 2 }),
      svg("text", { class: "value", x: b + 5, y: y + 13 }, item.value.toLocaleString("en"))));
  });
  const note = items.length > shown.length
    ? `The ${shown.length} largest of ${items.length} rows.` : `${items.length} rows.`;
  return { node: root, note };
}
