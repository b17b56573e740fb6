/**
 * The interest cells of a map (SPEC IM1, IM7): the map cut into `cell` × `cell`-tile squares,
 * each named by a number key (row-major). Pure arithmetic on tiles.
 */
import type { Tile } from "../../../shared/grid.ts";
import { INTEREST_CELL, INTEREST_CELL_MAX, INTEREST_CELLS_MAX, INTEREST_RADIUS } from "../../../shared/constants.ts";

/**
 * The cell edge and radius for a map (IM14): the configured ones, or else the smallest cell of 8,
 * 12, 16 tiles that cuts the map into at most INTEREST_CELLS_MAX cells (16 when none does), with
 * the radius grown by half the extra edge.
 */
export function interestCellFor(width: number, height: number, configured: { cell?: number; radius?: number } = {}): { cell: number; radius: number } {
  let cell = configured.cell;
  if (cell === undefined) {
    cell = INTEREST_CELL;
    while (cell < INTEREST_CELL_MAX && Math.ceil(width / cell) * Math.ceil(height / cell) > INTEREST_CELLS_MAX) cell += 4;
  }
  return { cell, radius: configured.radius ?? INTEREST_RADIUS + Math.max(0, Math.ceil((cell - INTEREST_CELL) / 2)) };
}

export class CellGeometry {
  /** Cells per row. */
  readonly cols: number;

  constructor(private readonly width: number, private readonly height: number, readonly cell: number) {
    this.cols = Math.ceil(width / cell);
  }

  /** The key of the cell holding the tile. */
  keyAt(x: number, y: number): number {
    return Math.floor(y / this.cell) * this.cols + Math.floor(x / this.cell);
  }

  /** The tile a cell's avatars are chosen around (IM1): its middle, kept inside the map. */
  centre(key: number): Tile {
    return {
      x: Math.min(this.width - 1, (key % this.cols) * this.cell + (this.cell >> 1)),
      y: Math.min(this.height - 1, Math.floor(key / this.cols) * this.cell + (this.cell >> 1)),
    };
  }

  /** Chebyshev distance from a tile to the cell's square (0 inside). */
  distance(key: number, x: number, y: number): number {
    const x0 = (key % this.cols) * this.cell;
    const y0 = Math.floor(key / this.cols) * this.cell;
    const dx = x < x0 ? x0 - x : x >= x0 + this.cell ? x - (x0 + this.cell - 1) : 0;
    const dy = y < y0 ? y0 - y : y >= y0 + this.cell ? y - (y0 + this.cell - 1) : 0;
    return Math.max(dx, dy);
  }
}
