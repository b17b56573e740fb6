/**
 * Zoom (UX3, UX4): how many device pixels one pixel of the map's art takes, always drawn
 * nearest-neighbour. A zoom the person chose is a whole number, so the pixel art stays crisp
 * (every art pixel an equal square); the fitted view keeps its half steps. Clamped between MIN_CSS_ZOOM and MAX_CSS_ZOOM CSS pixels per art pixel. Until the person zooms,
 * the scale fits the view (its shorter side shows about 15 tiles or more). The camera keeps
 * following the own avatar (render/world.ts), so zooming never loses it.
 *
 * `Zoom` is pure (no DOM, no clock); `bindZoom` turns the wheel, pinches, keys and buttons into it.
 */

export const MIN_CSS_ZOOM = 0.5;
export const MAX_CSS_ZOOM = 4;
/** One press of + or − changes the scale by about this factor (and by one device pixel at least). */
export const ZOOM_STEP = 1.25;
/** Wheel delta (pixels) that doubles or halves the scale. */
const WHEEL_PER_DOUBLING = 500;

export interface ZoomView { cssWidth: number; cssHeight: number; dpr: number; tileSize: number }

export class Zoom {
  /** CSS pixels per art pixel the person asked for; undefined: fit the view. Kept unrounded so slow pinches add up. */
  private wanted: number | undefined;

  constructor(private readonly changed: () => void = () => undefined) {}

  /** Device pixels per art pixel for this view: an integer within the clamp. */
  scale(v: ZoomView): number {
    const [lo, hi] = range(v.dpr);
    // The fitted view keeps its half steps (1.5 CSS px on a laptop, drawn nearest-neighbour);
    // a zoom the person chose is whole device pixels.
    const device = this.wanted === undefined ? fitCss(v) * v.dpr : Math.round(this.wanted * v.dpr);
    return Math.min(hi, Math.max(lo, device));
  }

  /** Whether the person chose a zoom (else the view is fitted). */
  get chosen(): boolean { return this.wanted !== undefined; }

  /** + (1) or − (−1): about ZOOM_STEP, at least one device pixel, within the clamp. */
  step(dir: 1 | -1, v: ZoomView): void {
    const now = Math.round(this.scale(v));
    const [lo, hi] = range(v.dpr);
    const next = Math.min(hi, Math.max(lo, dir > 0 ? Math.max(now + 1, Math.round(now * ZOOM_STEP)) : Math.min(now - 1, Math.round(now / ZOOM_STEP))));
    this.set(next / v.dpr);
  }

  /** Multiplies the wanted scale (pinch: the fingers' distance ratio; wheel). */
  by(factor: number, v: ZoomView, from = this.wanted ?? this.scale(v) / v.dpr): void {
    if (!Number.isFinite(factor) || factor <= 0) return;
    this.set(Math.min(MAX_CSS_ZOOM, Math.max(MIN_CSS_ZOOM, from * factor)));
  }

  /** Back to fitting the view (the 0 key). */
  reset(): void {
    if (this.wanted === undefined) return;
    this.wanted = undefined;
    this.changed();
  }

  /** The wanted CSS zoom now (for a pinch to start from). */
  css(v: ZoomView): number { return this.wanted ?? this.scale(v) / v.dpr; }

  private set(css: number): void {
    if (css === this.wanted) return;
    this.wanted = css;
    this.changed();
  }
}

/** The whole device-pixel scales allowed at this pixel ratio. */
function range(dpr: number): [number, number] {
  const lo = Math.max(1, Math.ceil(MIN_CSS_ZOOM * dpr));
  return [lo, Math.max(lo, Math.floor(MAX_CSS_ZOOM * dpr))];
}

/** The fitted zoom: 1 to 3 CSS pixels per art pixel in half steps, the view's shorter side about 15 tiles or more. */
function fitCss({ cssWidth, cssHeight, tileSize }: ZoomView): number {
  return Math.max(1, Math.min(3, Math.round((Math.min(cssWidth, cssHeight) / (tileSize * 15)) * 2) / 2));
}

export interface ZoomBinding {
  canvas: HTMLCanvasElement;
  zoom: Zoom;
  view(): ZoomView;
  /** Typing in a field: keys are not ours. */
  typing(e: KeyboardEvent): boolean;
}

/**
 * The ways to zoom: the wheel over the map (a trackpad pinch arrives as ctrl+wheel), two fingers
 * on the map, and the + / − / 0 keys. Returns a function that removes the window's key listener.
 */
export function bindZoom(b: ZoomBinding): () => void {
  const { canvas, zoom } = b;
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault(); // not the page's own zoom or scroll
    const px = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? e.deltaY * 16 : e.deltaY;
    zoom.by(2 ** (-px / WHEEL_PER_DOUBLING), b.view());
  }, { passive: false });

  // Two pointers on the map: the ratio of their distance now to when the second came down.
  const touches = new Map<number, { x: number; y: number }>();
  let pinch: { dist: number; css: number } | undefined;
  const distance = () => {
    const [p, q] = [...touches.values()];
    return Math.hypot(p.x - q.x, p.y - q.y);
  };
  canvas.addEventListener("pointerdown", (e) => {
    if (e.pointerType !== "touch") return;
    touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (touches.size === 2) pinch = { dist: Math.max(1, distance()), css: zoom.css(b.view()) };
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!touches.has(e.pointerId)) return;
    touches.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pinch && touches.size === 2) zoom.by(distance() / pinch.dist, b.view(), pinch.css);
  });
  const up = (e: PointerEvent) => {
    touches.delete(e.pointerId);
    if (touches.size < 2) pinch = undefined;
  };
  canvas.addEventListener("pointerup", up);
  canvas.addEventListener("pointercancel", up);

  const onKey = (e: KeyboardEvent) => {
    if (b.typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "+" || e.key === "=") zoom.step(1, b.view());
    else if (e.key === "-" || e.key === "_") zoom.step(-1, b.view());
    else if (e.key === "0") zoom.reset();
    else return;
    e.preventDefault();
  };
  window.addEventListener("keydown", onKey);
  return () => window.removeEventListener("keydown", onKey);
}
