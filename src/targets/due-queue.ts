/**
 * Things waiting until a time, earliest first: a binary min-heap on `dueAt` (run seconds). The real
 * targets keep their retries in one (the aws producers' entries, the http driver's requests): a
 * retry is taken once its backoff has passed, whatever order the failures came in.
 */
export class DueQueue<T extends { dueAt: number }> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** The earliest due time, Infinity when empty. */
  get nextDueAt(): number {
    return this.heap[0]?.dueAt ?? Number.POSITIVE_INFINITY;
  }

  push(item: T): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.dueAt <= item.dueAt) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  /** The earliest item due at or before `now`, removed; undefined when none is due. */
  popDue(now: number): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined || top.dueAt > now) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && heap[right]!.dueAt < heap[left]!.dueAt ? right : left;
        if (heap[child]!.dueAt >= last.dueAt) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}
