/**
 * What the world renderer (world.ts) draws over the map besides objects and avatars: areas, spawn
 * points, build previews, claimed desks' name tags, avatar name labels and walk hints. Each
 * function draws in world units (`ts` pixels per tile) under the caller's transform.
 */
import { footprint, type Thing, type Zone } from "../../../shared/world.ts";
import type { Ghost } from "../buildmode/buildTool.ts";
import { drawObject, drawPaint } from "./objectArt.ts";
import type { DrawnAvatar, Frame } from "./world.ts";

const ZONE_STYLE = {
  private: { line: "rgba(79,209,197,0.55)", faint: "rgba(79,209,197,0.3)", fill: "rgba(79,209,197,0.13)", label: "rgba(24,110,102,0.92)" },
  spotlight: { line: "rgba(242,182,50,0.6)", faint: "rgba(242,182,50,0.3)", fill: "rgba(242,182,50,0.14)", label: "rgba(150,104,10,0.92)" },
} as const;

/** The walk path and its target, the hovered tile, and the located tile's pulsing ring. */
export function drawWalkHints(ctx: CanvasRenderingContext2D, ts: number, frame: Frame) {
  if (frame.path && frame.path.length > 0) {
    ctx.fillStyle = "rgba(255,255,255,0.22)";
    for (const t of frame.path) ctx.fillRect(t.x * ts + ts / 2 - 3, t.y * ts + ts / 2 - 3, 6, 6);
    const end = frame.path[frame.path.length - 1];
    ctx.strokeStyle = "rgba(255,255,255,0.8)";
    ctx.lineWidth = 2;
    ctx.strokeRect(end.x * ts + 3, end.y * ts + 3, ts - 6, ts - 6);
  }
  if (frame.hover) {
    ctx.strokeStyle = "rgba(255,255,255,0.35)";
    ctx.lineWidth = 1;
    ctx.strokeRect(frame.hover.x * ts + 0.5, frame.hover.y * ts + 0.5, ts - 1, ts - 1);
  }
  if (frame.marker) {
    const m = frame.marker;
    const pulse = 3 + 2 * Math.sin(frame.now / 150);
    ctx.strokeStyle = "rgba(242,182,50,0.95)";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc((m.x + 0.5) * ts, (m.y + 0.5) * ts, ts / 2 + pulse, 0, Math.PI * 2);
    ctx.stroke();
  }
}

/** An area: tinted and outlined in build mode, else only a faint dashed edge. */
export function drawZone(ctx: CanvasRenderingContext2D, ts: number, z: Zone, build: boolean, selected: boolean, dim: boolean) {
  const style = ZONE_STYLE[z.kind];
  ctx.globalAlpha = dim ? 0.4 : 1;
  if (build) {
    ctx.fillStyle = style.fill;
    ctx.fillRect(z.x * ts, z.y * ts, z.w * ts, z.h * ts);
  }
  // Outside build mode only a faint dashed edge: enough to see where a room's privacy starts.
  ctx.strokeStyle = selected ? "#4fd1c5" : build ? style.line : style.faint;
  ctx.lineWidth = selected ? 2 : 1;
  ctx.setLineDash(selected ? [] : [4, 3]);
  ctx.strokeRect(z.x * ts + 1, z.y * ts + 1, z.w * ts - 2, z.h * ts - 2);
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
}

/** An area's name in its top-left corner (build mode). */
export function drawZoneLabel(ctx: CanvasRenderingContext2D, ts: number, z: Zone) {
  ctx.font = "600 9px system-ui, sans-serif";
  const text = z.kind === "spotlight" ? `★ ${z.name}` : z.name;
  const w = Math.min(Math.ceil(ctx.measureText(text).width) + 8, z.w * ts - 4);
  if (w < 12) return;
  ctx.save();
  ctx.fillStyle = ZONE_STYLE[z.kind].label;
  ctx.beginPath();
  ctx.roundRect(z.x * ts + 3, z.y * ts + 3, w, 12, 3);
  ctx.fill();
  ctx.clip();
  ctx.fillStyle = "#fff";
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  ctx.fillText(text, z.x * ts + 7, z.y * ts + 9.5);
  ctx.restore();
}

/** A spawn point (build mode). */
export function drawSpawnMarker(ctx: CanvasRenderingContext2D, ts: number, x: number, y: number, selected: boolean, dim: boolean, invalid = false) {
  const cx = (x + 0.5) * ts;
  const cy = (y + 0.5) * ts;
  ctx.save();
  ctx.globalAlpha *= dim ? 0.4 : 1;
  ctx.fillStyle = invalid ? "rgba(232,56,56,0.75)" : "rgba(79,209,197,0.85)";
  ctx.strokeStyle = selected ? "#fff" : "rgba(20,24,34,0.8)";
  ctx.lineWidth = selected ? 2 : 1;
  ctx.beginPath();
  ctx.ellipse(cx, cy + 6, 10, 5, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.stroke();
  // An arrow pointing down onto the spot: "people appear here".
  ctx.fillStyle = "#fff";
  ctx.beginPath();
  ctx.moveTo(cx - 5, cy - 8);
  ctx.lineTo(cx + 5, cy - 8);
  ctx.lineTo(cx, cy + 3);
  ctx.closePath();
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

/** A build preview: under the pointer, of a drag, or of an edit in flight. */
export function drawGhost(ctx: CanvasRenderingContext2D, ts: number, g: Ghost) {
  switch (g.type) {
    case "object":
      drawObject(ctx, g.kind, g.rot, g.x * ts, g.y * ts, ts, { ghost: true, invalid: g.invalid });
      return;
    case "spawn":
      drawSpawnMarker(ctx, ts, g.x, g.y, false, false, g.invalid);
      return;
    case "zone": {
      const style = ZONE_STYLE[g.kind];
      ctx.fillStyle = g.invalid ? "rgba(232,56,56,0.2)" : style.fill;
      ctx.fillRect(g.x * ts, g.y * ts, g.w * ts, g.h * ts);
      ctx.strokeStyle = g.invalid ? "rgba(232,56,56,0.9)" : "rgba(255,255,255,0.85)";
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 3]);
      ctx.strokeRect(g.x * ts + 1, g.y * ts + 1, g.w * ts - 2, g.h * ts - 2);
      ctx.setLineDash([]);
      ctx.font = "600 9px system-ui, sans-serif";
      ctx.fillStyle = "#fff";
      ctx.textAlign = "right";
      ctx.textBaseline = "bottom";
      ctx.fillText(`${g.w}×${g.h}`, (g.x + g.w) * ts - 4, (g.y + g.h) * ts - 3);
      return;
    }
    case "paint": {
      const a = ctx.globalAlpha;
      for (const t of g.tiles) {
        if (g.paint === "erase") {
          ctx.globalAlpha = a;
          ctx.fillStyle = "rgba(232,56,56,0.28)";
          ctx.fillRect(t.x * ts, t.y * ts, ts, ts);
          ctx.strokeStyle = "rgba(255,255,255,0.7)";
          ctx.lineWidth = 1;
          ctx.strokeRect(t.x * ts + 0.5, t.y * ts + 0.5, ts - 1, ts - 1);
        } else {
          ctx.globalAlpha = a * 0.75;
          drawPaint(ctx, g.paint, t.x * ts, t.y * ts, ts);
        }
      }
      ctx.globalAlpha = a;
      return;
    }
  }
}

/** The owner's name on a claimed desk. */
export function drawDeskTag(ctx: CanvasRenderingContext2D, ts: number, t: Thing, mine: boolean) {
  const f = footprint(t.kind, t.rot);
  const text = t.claimName!.length > 16 ? `${t.claimName!.slice(0, 15)}…` : t.claimName!;
  ctx.font = "600 8px system-ui, sans-serif";
  const w = Math.ceil(ctx.measureText(text).width) + 14;
  // On the desk's back edge: its front is where the owner stands, under their own name.
  const cx = (t.x + f.w / 2) * ts;
  const y = t.rot === 2 ? (t.y + f.h) * ts - 4 : t.y * ts - 6;
  ctx.fillStyle = mine ? "rgba(31,158,143,0.95)" : "rgba(20,24,34,0.82)";
  ctx.beginPath();
  ctx.roundRect(Math.round(cx - w / 2), Math.round(y), w, 10, 3);
  ctx.fill();
  ctx.fillStyle = "#f2b632";
  ctx.beginPath();
  ctx.arc(Math.round(cx - w / 2) + 5, Math.round(y) + 5, 2, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = "#fff";
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  // fillText draws text, never markup.
  ctx.fillText(text, Math.round(cx - w / 2) + 9, Math.round(y) + 5.5);
}

/** An avatar's name over its head, with a dot for a status other than available. */
export function drawNameLabel(ctx: CanvasRenderingContext2D, a: DrawnAvatar, x: number, y: number) {
  ctx.font = "600 9px system-ui, sans-serif";
  const w = Math.ceil(ctx.measureText(a.name).width) + 8;
  ctx.fillStyle = a.own ? "rgba(31,158,143,0.92)" : a.status === "dnd" ? "rgba(150,40,50,0.85)" : "rgba(20,24,34,0.78)";
  ctx.beginPath();
  ctx.roundRect(Math.round(x - w / 2), Math.round(y - 11), w, 12, 4);
  ctx.fill();
  if (a.status && a.status !== "available") {
    ctx.fillStyle = a.status === "dnd" ? "#e5646e" : a.status === "busy" ? "#f2b632" : "#9aa6bd";
    ctx.beginPath();
    ctx.arc(Math.round(x - w / 2) - 1, Math.round(y - 10), 3, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.fillStyle = "#fff";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  // fillText draws text, never markup: names are safe whatever they contain (BI4).
  ctx.fillText(a.name, Math.round(x), Math.round(y - 5));
}
