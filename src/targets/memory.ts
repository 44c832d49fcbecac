/**
 * How much memory a run may use on this machine: the smaller of its physical memory and V8's heap
 * limit (`--max-old-space-size`, by default a share of the memory), less a quarter for what the
 * estimate leaves out (src/scenario/bounds.ts, `estimateRunMemoryBytes`) and for the rest of the
 * machine. Tests set a small limit with `setAvailableMemoryBytes`.
 */
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';

/** The share of the smaller limit a run may plan to use. */
const USABLE_SHARE = 0.75;

let override: number | undefined;

/** Sets the memory a run may use (tests); undefined restores the machine's. */
export function setAvailableMemoryBytes(bytes: number | undefined): void {
  override = bytes;
}

export function availableMemoryBytes(): number {
  if (override !== undefined) return override;
  return USABLE_SHARE * Math.min(totalmem(), getHeapStatistics().heap_size_limit);
}
