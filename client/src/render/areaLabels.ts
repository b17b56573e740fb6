/**
 * Areas outlined and named on the map outside build mode (NV7): meeting rooms and spotlights get a
 * clear edge and their name in a small tag centred on their top edge, where it covers the wall
 * rather than the people inside. A closed room (NV1) is drawn with a lock. Tags are sized in
 * screen pixels, so they stay readable at any camera scale; an area narrower than its tag gets a
 * clipped one. Draws in world units (`ts` pixels per tile) under the caller's transform.
 */
import type { Zone } from "../../../shared/world.ts";

const STYLE = {
  private: { line: "rgba(79,209,197,0.8)", tag: "rgba(20,96,90,0.94)" },
  spotlight: { line: "rgba(242,182,50,0.85)", tag: "rgba(140,96,8,0.94)" },
  closed: { line: "rgba(240,112,112,0.9)", tag: "rgba(150,40,40,0.95)" },
} as const;

/** The tag's text: the name, with a star for a stage and a lock for a closed room. */
export function areaTagText(z: Pick<Zone, "kind" | "name">, closed: boolean): string {
  if (z.kind === "spotlight") return `★ ${z.name}`;
  return closed ? `🔒 ${z.name}` : z.name;
}

/** Outlines every area and labels it at its top edge; `closed`: names of closed meeting rooms. */
export function drawAreaOutlines(ctx: CanvasRenderingContext2D, ts: number, zones: readonly Zone[], closed: ReadonlySet<string>) {
  const scale = Math.abs(ctx.getTransform().a) || 1; // device pixels per world pixel
  const px = (window.devicePixelRatio || 1) / scale; // one CSS pixel in world units
  ctx.save();
  for (const z of zones) {
    const shut = z.kind === "private" && closed.has(z.name);
    const style = shut ? STYLE.closed : STYLE[z.kind];
    ctx.strokeStyle = style.line;
    ctx.lineWidth = (shut ? 2.5 : 1.5) * px;
    ctx.setLineDash(shut ? [] : [6 * px, 4 * px]);
    ctx.strokeRect(z.x * ts + px, z.y * ts + px, z.w * ts - 2 * px, z.h * ts - 2 * px);
  }
  ctx.setLineDash([]);
  ctx.font = `600 ${12 * px}px system-ui, sans-serif`;
  ctx.textBaseline = "middle";
  ctx.textAlign = "left";
  for (const z of zones) {
    const shut = z.kind === "private" && closed.has(z.name);
    const text = areaTagText(z, shut);
    const h = 18 * px;
    const w = Math.min(ctx.measureText(text).width + 12 * px, z.w * ts);
    const x = z.x * ts + (z.w * ts - w) / 2;
    const y = z.y * ts - h / 2;
    ctx.save();
    ctx.fillStyle = (shut ? STYLE.closed : STYLE[z.kind]).tag;
    ctx.beginPath();
    ctx.roundRect(x, y, w, h, 4 * px);
    ctx.fill();
    ctx.clip();
    ctx.fillStyle = "#fff";
    ctx.fillText(text, x + 6 * px, y + h / 2 + px / 2);
    ctx.restore();
  }
  ctx.restore();
}
