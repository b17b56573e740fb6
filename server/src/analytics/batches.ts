/**
 * The rows of one table waiting in memory (SPEC AN2): the batch being filled, and sealed batches
 * waiting for the pipeline's worker. A batch is sealed when it reaches `batchRows` or when the
 * pipeline seals it on its flush timer. Bounded: beyond `max` rows waiting, the OLDEST sealed
 * batches are dropped (the one being filled and the newest sealed one always stay) and reported
 * through `onDrop`. No I/O, no clock.
 */
import type { TableName } from "./sink.ts";

export class BatchQueue<R> {
  private open: R[] = [];
  private readonly ready: R[][] = [];
  /** Rows waiting, open batch included. */
  size = 0;

  constructor(readonly table: TableName, private readonly batchRows: number, private readonly max: number, private readonly onDrop: (rows: number) => void) {}

  /** Adds a row; true when this sealed a full batch (the worker has something to do). */
  push(row: R): boolean {
    this.open.push(row);
    this.size++;
    if (this.open.length < this.batchRows) return false;
    this.seal();
    return true;
  }

  /** Seals the batch being filled, if it has rows. */
  seal() {
    if (this.open.length === 0) return;
    this.ready.push(this.open);
    this.open = [];
    while (this.size > this.max && this.ready.length > 1) {
      const lost = this.ready.shift()!;
      this.size -= lost.length;
      this.onDrop(lost.length);
    }
  }

  /** Whether a sealed batch waits. */
  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** The oldest sealed batch, taken out. */
  take(): R[] | undefined {
    const b = this.ready.shift();
    if (b) this.size -= b.length;
    return b;
  }
}
