/**
 * The interest cells of a map (SPEC IM1, IM7): the map cut into `cell` × `cell`-tile squares,
 * each named by a number key (row-major). Pure arithmetic on tiles.
 */
import type { Tile } from "../../../shared/grid.ts";

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
