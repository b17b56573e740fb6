/** Small SVG charts for the insights page: a line over time and labelled bars. Text via textContent. */
const NS = "http://www.w3.org/2000/svg";
const W = 640;
const H = 200;
const PAD = { l: 40, r: 10, t: 10, b: 28 };

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function frame(max: number, label: string): { root: SVGSVGElement; y: (v: number) => number } {
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label }) as SVGSVGElement;
  const top = max > 0 ? niceMax(max) : 1;
  const y = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / top);
  for (let i = 0; i <= 4; i++) {
    const v = (top / 4) * i;
    root.append(svg("line", { x1: PAD.l, x2: W - PAD.r, y1: y(v), y2: y(v), class: "grid" }));
    const t = svg("text", { x: PAD.l - 6, y: y(v) + 4, "text-anchor": "end", class: "axis" });
    t.textContent = String(Number(v.toFixed(2)));
    root.append(t);
  }
  return { root, y };
}

function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  // Four grid steps: these tops give whole-number or half steps (1, 2, 3, 4 / 2, 4, 6, 8 …).
  for (const m of [1, 2, 4, 8]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function lineChart(points: { label: string; value: number }[], label: string): SVGSVGElement {
  const { root, y } = frame(Math.max(0, ...points.map((p) => p.value)), label);
  if (points.length === 0) return root;
  const x = (i: number) => PAD.l + ((W - PAD.l - PAD.r) * i) / Math.max(1, points.length - 1);
  const d = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join("");
  root.append(svg("path", { d: `${d}L${x(points.length - 1)},${y(0)}L${x(0)},${y(0)}Z`, class: "area" }));
  root.append(svg("path", { d, class: "line" }));
  const step = Math.max(1, Math.ceil(points.length / 6));
  points.forEach((p, i) => {
    if (i % step !== 0) return;
    const t = svg("text", { x: x(i), y: H - 8, "text-anchor": "middle", class: "axis" });
    t.textContent = p.label;
    root.append(t);
  });
  return root;
}

export function barChart(bars: { label: string; value: number }[], label: string): SVGSVGElement {
  const { root, y } = frame(Math.max(0, ...bars.map((b) => b.value)), label);
  const slot = (W - PAD.l - PAD.r) / Math.max(1, bars.length);
  const step = Math.max(1, Math.ceil(bars.length / 12));
  bars.forEach((b, i) => {
    const x = PAD.l + i * slot;
    const rect = svg("rect", { x: x + slot * 0.15, y: y(b.value), width: slot * 0.7, height: Math.max(0, y(0) - y(b.value)), class: "bar" });
    const title = svg("title", {});
    title.textContent = `${b.label}: ${b.value}`;
    rect.append(title);
    root.append(rect);
    if (i % step === 0) {
      const t = svg("text", { x: x + slot / 2, y: H - 8, "text-anchor": "middle", class: "axis" });
      t.textContent = b.label;
      root.append(t);
    }
  });
  return root;
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** A weekday × hour grid: each cell's shade is its average people against the busiest cell. */
export function weekGrid(cells: { day: number; hour: number; people: number }[], label: string): SVGSVGElement {
  const root = svg("svg", { viewBox: `0 0 ${W} 190`, role: "img", "aria-label": label }) as SVGSVGElement;
  const left = 40;
  const cw = (W - left - PAD.r) / 24;
  const ch = 22;
  const max = Math.max(0, ...cells.map((c) => c.people));
  for (const c of cells) {
    const rect = svg("rect", { x: left + c.hour * cw + 1, y: 4 + c.day * ch + 1, width: cw - 2, height: ch - 2, class: "cell", "fill-opacity": max > 0 ? (0.08 + 0.92 * (c.people / max)).toFixed(2) : 0.08 });
    const title = svg("title", {});
    title.textContent = `${WEEKDAYS[c.day]} ${c.hour}:00 — ${c.people} on average`;
    rect.append(title);
    root.append(rect);
  }
  WEEKDAYS.forEach((d, i) => {
    const t = svg("text", { x: left - 6, y: 4 + i * ch + 15, "text-anchor": "end", class: "axis" });
    t.textContent = d;
    root.append(t);
  });
  for (let h = 0; h < 24; h += 3) {
    const t = svg("text", { x: left + h * cw + cw / 2, y: 4 + 7 * ch + 16, "text-anchor": "middle", class: "axis" });
    t.textContent = String(h);
    root.append(t);
  }
  return root;
}
