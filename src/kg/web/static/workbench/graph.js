// Pairs of IRIs as a graph: one node per IRI, one arrow per row, laid out by a small
// force-directed simulation (Fruchterman–Reingold) run to rest before drawing, so the same
// answer always gives the same picture.
import { CHAR_W, linked, picture, svg } from "./charts.js";

const MAX_NODES = 150;
const ITERATIONS = 300;
const GRAVITY = 0.6;
const LABEL_CHARS = 30;

function layout(count, edges, width, height) {
  const area = width * height;
  const k = Math.sqrt(area / Math.max(count, 1)) * 0.75;
  const points = Array.from({ length: count }, (_, i) => {
    const angle = (2 * Math.PI * i) / count;
    return { x: width / 2 + (width / 3) * Math.cos(angle),
             y: height / 2 + (height / 3) * Math.sin(angle) };
  });
  for (let step = 0; step < ITERATIONS; step += 1) {
    const heat = (width / 10) * (1 - step / ITERATIONS) + 0.5;
    const moves = points.map(() => ({ x: 0, y: 0 }));
    for (let i = 0; i < count; i += 1) {
      for (let j = i + 1; j < count; j += 1) {
        const dx = points[i].x - points[j].x || 0.01;
        const dy = points[i].y - points[j].y || 0.01;
        const d2 = dx * dx + dy * dy;
        const push = (k * k) / d2;
        moves[i].x += dx * push; moves[i].y += dy * push;
        moves[j].x -= dx * push; moves[j].y -= dy * push;
      }
    }
    for (const [a, b] of edges) {
      const dx = points[a].x - points[b].x;
      const dy = points[a].y - points[b].y;
      const d = Math.sqrt(dx * dx + dy * dy) || 0.01;
      const pull = d / k;
      moves[a].x -= dx * pull; moves[a].y -= dy * pull;
      moves[b].x += dx * pull; moves[b].y += dy * pull;
    }
    points.forEach((p, i) => {
      // Gravity towards the centre keeps separate components from drifting to the edges.
      moves[i].x -= (p.x - width / 2) * GRAVITY;
      moves[i].y -= (p.y - height / 2) * GRAVITY;
      const length = Math.hypot(moves[i].x, moves[i].y) || 1;
      const by = Math.min(length, heat);
      p.x += (moves[i].x / length) * by;
      p.y += (moves[i].y / length) * by;
    });
  }
  return points;
}

export function graph(rows, { from, to, edge }, terms, width) {
  const index = new Map();
  const nodes = [];
  const edges = [];
  let dropped = 0;
  const node = (term) => {
    if (!index.has(term.value)) {
      if (nodes.length >= MAX_NODES) return null;
      index.set(term.value, nodes.length);
      nodes.push({ iri: term.value, degree: 0 });
    }
    return index.get(term.value);
  };
  const seen = new Set();
  for (const row of rows) {
    const [a, b] = [row[from], row[to]];
    if (!a || !b || a.type !== "uri" || b.type !== "uri") continue;
    const [i, j] = [node(a), node(b)];
    if (i === null || j === null) { dropped += 1; continue; }
    const name = edge !== null && row[edge] ? terms.text(row[edge]) : "";
    const key = `${i} ${j} ${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push([i, j, name]);
    nodes[i].degree += 1;
    nodes[j].degree += 1;
  }
  if (!edges.length) return { node: null, note: "No row links two IRIs in these columns." };
  const height = Math.round(Math.min(720, Math.max(300, Math.sqrt(nodes.length) * 70)));
  const points = layout(nodes.length, edges, width, height);
  const names = nodes.map((n) => {
    const text = terms.label(n.iri);
    return [text, text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text];
  });
  // The picture is the box around the nodes and their labels, scaled to the width.
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  points.forEach((p, i) => {
    box.x0 = Math.min(box.x0, p.x - 14);
    box.x1 = Math.max(box.x1, p.x + 14 + names[i][1].length * CHAR_W);
    box.y0 = Math.min(box.y0, p.y - 14);
    box.y1 = Math.max(box.y1, p.y + 14);
  });
  const root = picture(width, height, `Graph of ${nodes.length} nodes and ${edges.length} links`,
                       "graph");
  const scale = Math.min(1.4, width / (box.x1 - box.x0));
  const shownHeight = Math.round((box.y1 - box.y0) * scale);
  root.setAttribute("viewBox", `${box.x0} ${box.y0} ${box.x1 - box.x0} ${box.y1 - box.y0}`);
  root.setAttribute("height", shownHeight);
  root.append(svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 16, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
  svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }))));
  const lines = svg("g", { class: "edges" });
  for (const [i, j, name] of edges) {
    const [a, b] = [points[i], points[j]];
    lines.append(svg("line", { class: "edge", x1: a.x, y1: a.y, x2: b.x, y2: b.y,
                               "marker-end": "url(#arrow)" },
      svg("title", {}, `${terms.label(nodes[i].iri)} → ${name ? `${name} → ` : ""}`
        + terms.label(nodes[j].iri))));
  }
  root.append(lines);
  const marks = svg("g", { class: "nodes" });
  nodes.forEach((n, i) => {
    const p = points[i];
    const [text, short] = names[i];
    marks.append(svg("g", { class: "node" }, linked(terms.href(n.iri),
      svg("title", {}, `${text} (${terms.curie(n.iri)})`),
      svg("circle", { cx: p.x, cy: p.y, r: Math.min(12, 4 + Math.sqrt(n.degree) * 1.5) }),
      svg("text", { x: p.x + 9, y: p.y + 4 }, short))));
  });
  root.append(marks);
  const note = `${nodes.length} nodes, ${edges.length} links`
    + (dropped ? `; ${dropped} rows left out beyond ${MAX_NODES} nodes.` : ".");
  return { node: root, note };
}
