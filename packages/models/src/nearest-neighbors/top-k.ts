/**
 * Bounded top-k selection with a deterministic order: higher score first, and on equal scores
 * the lower index first (so ties never depend on visiting order).
 */

/** The k best (index, score) pairs of one query, best first. */
export interface Neighbors {
  /** int32 `[≤k]` row indices into the searched matrix, best first. */
  readonly indices: Int32Array;
  /** float32 `[≤k]` cosine similarities, non-increasing. */
  readonly scores: Float32Array;
}

/**
 * A fixed-capacity min-heap keeping the `k` best (score, index) pairs seen. The root is the
 * worst kept pair, so a candidate is admitted with one comparison in the common case.
 *
 * @example
 * ```ts
 * const top = new TopK(2);
 * top.push(0, 0.5); top.push(1, 0.9); top.push(2, 0.5);
 * top.result(); // indices [1, 0], scores [0.9, 0.5]
 * ```
 */
export class TopK {
  private readonly idx: Int32Array;
  private readonly val: Float64Array;
  private n = 0;

  /** @param k - capacity (positive integer). */
  constructor(readonly k: number) {
    this.idx = new Int32Array(k);
    this.val = new Float64Array(k);
  }

  /** Number of pairs kept so far. */
  get size(): number {
    return this.n;
  }

  /** Score a candidate must beat to enter once the heap is full (−Infinity before). */
  get threshold(): number {
    return this.n < this.k ? -Infinity : (this.val[0] as number);
  }

  /** Empties the heap for reuse. */
  clear(): void {
    this.n = 0;
  }

  /** `a` is worse than `b`: lower score, or equal score and higher index. */
  private worse(sa: number, ia: number, sb: number, ib: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }

  /** Offers one candidate. */
  push(index: number, score: number): void {
    const { idx, val } = this;
    if (this.n < this.k) {
      let i = this.n++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(score, index, val[p] as number, idx[p] as number)) break;
        idx[i] = idx[p] as number;
        val[i] = val[p] as number;
        i = p;
      }
      idx[i] = index;
      val[i] = score;
      return;
    }
    if (!this.worse(val[0] as number, idx[0] as number, score, index)) return;
    // Replace the root and sift down.
    let i = 0;
    const n = this.n;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.worse(val[r] as number, idx[r] as number, val[l] as number, idx[l] as number)) c = r;
      if (!this.worse(val[c] as number, idx[c] as number, score, index)) break;
      idx[i] = idx[c] as number;
      val[i] = val[c] as number;
      i = c;
    }
    idx[i] = index;
    val[i] = score;
  }

  /** The kept pairs, best first (the heap itself is left unchanged). */
  result(): Neighbors {
    const order = Array.from({ length: this.n }, (_, i) => i);
    order.sort((a, b) => (this.val[b] as number) - (this.val[a] as number) || (this.idx[a] as number) - (this.idx[b] as number));
    const indices = new Int32Array(this.n);
    const scores = new Float32Array(this.n);
    order.forEach((o, r) => {
      indices[r] = this.idx[o] as number;
      scores[r] = this.val[o] as number;
    });
    return { indices, scores };
  }
}
