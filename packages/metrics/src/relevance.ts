import { MetricsError } from './metrics-error';

/**
 * The relevant items of one user (or query): a set of item ids (binary relevance, grade 1) or a
 * map item id → grade (graded relevance). An item is *relevant* when its grade is > 0; grades
 * ≤ 0 count as non-relevant (as in trec_eval, where relevance_level is 1 for integer grades).
 */
export type Relevance = ReadonlySet<number> | ReadonlyMap<number, number>;

/**
 * Relevant items of many users: one {@link Relevance} per user (`undefined`/`null` = none), or a
 * compressed-sparse-row layout: user u's relevant ids are `items[offsets[u] .. offsets[u+1])`,
 * with optional parallel `grades` (default 1).
 */
export type RelevanceInput =
  | readonly (Relevance | undefined | null)[]
  | { readonly items: Int32Array; readonly offsets: Int32Array; readonly grades?: Float32Array | Float64Array };

/** @internal Number of users described by a relevance input. */
export function relevanceUserCount(rel: RelevanceInput): number {
  return Array.isArray(rel) ? rel.length : (rel as { offsets: Int32Array }).offsets.length - 1;
}

/** @internal Grade of `item` for one user (0 when not relevant). */
export function gradeOf(rel: Relevance | undefined | null, item: number): number {
  if (!rel) return 0;
  if (rel instanceof Map) return (rel as ReadonlyMap<number, number>).get(item) ?? 0;
  return (rel as ReadonlySet<number>).has(item) ? 1 : 0;
}

/** @internal Positive grades of one user's relevance, sorted descending (for the ideal DCG). */
export function positiveGradesDesc(rel: Relevance | undefined | null): Float64Array {
  if (!rel) return new Float64Array(0);
  if (rel instanceof Map) {
    const out: number[] = [];
    for (const g of (rel as ReadonlyMap<number, number>).values()) {
      if (!Number.isFinite(g)) {
        throw new MetricsError('INVALID_ARGUMENT', `relevance grade must be finite, got ${g}`);
      }
      if (g > 0) out.push(g);
    }
    return Float64Array.from(out).sort().reverse();
  }
  return new Float64Array((rel as ReadonlySet<number>).size).fill(1);
}

/**
 * @internal Per-user access to a {@link RelevanceInput} with O(1) grade look-ups and no per-user
 * allocation. For the CSR layout a dense scratch array over item ids is marked for the current
 * user and cleared after.
 */
export class RelevanceCursor {
  private readonly list: readonly (Relevance | undefined | null)[] | null;
  private readonly csr: { items: Int32Array; offsets: Int32Array; grades?: Float32Array | Float64Array } | null;
  private scratch: Float64Array = new Float64Array(0);
  private current: Relevance | undefined | null = null;
  private marked = -1;
  private idealBuf: Float64Array = new Float64Array(64);
  /** Number of relevant items (grade > 0) of the selected user. */
  count = 0;
  /** Whether the selected user's grades may differ from 1 (graded map or CSR with grades). */
  graded = false;

  constructor(rel: RelevanceInput) {
    if (Array.isArray(rel)) {
      this.list = rel as readonly (Relevance | undefined | null)[];
      this.csr = null;
    } else {
      const c = rel as { items: Int32Array; offsets: Int32Array; grades?: Float32Array | Float64Array };
      this.list = null;
      this.csr = c;
      const n = c.offsets.length - 1;
      if (n < 0 || c.offsets[0] !== 0 || c.offsets[n] !== c.items.length) {
        throw new MetricsError('SHAPE_MISMATCH', 'relevance CSR: offsets must start at 0 and end at items.length');
      }
      if (c.grades && c.grades.length !== c.items.length) {
        throw new MetricsError('SHAPE_MISMATCH', 'relevance CSR: grades must be parallel to items');
      }
      let max = -1;
      for (let i = 0; i < c.items.length; i++) {
        const it = c.items[i] as number;
        if (it < 0) throw new MetricsError('INVALID_ARGUMENT', `relevance CSR: negative item id ${it} at ${i}`);
        if (it > max) max = it;
      }
      this.scratch = new Float64Array(max + 1);
    }
  }

  /** Selects user u; returns the number of relevant items (grade > 0). */
  select(u: number): number {
    if (this.list) {
      const r = this.list[u];
      this.current = r;
      if (r instanceof Map) {
        this.graded = true;
        let n = 0;
        for (const g of (r as ReadonlyMap<number, number>).values()) {
          if (!Number.isFinite(g)) throw new MetricsError('INVALID_ARGUMENT', `relevance grade of user ${u} must be finite, got ${g}`);
          if (g > 0) n++;
        }
        this.count = n;
      } else {
        this.graded = false;
        this.count = r ? (r as ReadonlySet<number>).size : 0;
      }
      return this.count;
    }
    const c = this.csr as { items: Int32Array; offsets: Int32Array; grades?: Float32Array | Float64Array };
    this.clear();
    const lo = c.offsets[u] as number;
    const hi = c.offsets[u + 1] as number;
    this.graded = c.grades !== undefined;
    let n = 0;
    for (let i = lo; i < hi; i++) {
      const g = c.grades ? (c.grades[i] as number) : 1;
      const it = c.items[i] as number;
      if (!Number.isFinite(g)) throw new MetricsError('INVALID_ARGUMENT', `relevance CSR: grade of user ${u} item ${it} must be finite, got ${g}`);
      // A repeated item would be counted twice in |R| (halving recall, inflating the ideal DCG).
      if (this.scratch[it] !== 0) {
        this.marked = u;
        throw new MetricsError('INVALID_ARGUMENT', `relevance CSR: user ${u} lists relevant item ${it} twice; relevance items must be distinct per user`, {
          context: { user: u, item: it },
        });
      }
      this.scratch[it] = g;
      if (g > 0) n++;
    }
    this.marked = u;
    this.count = n;
    return n;
  }

  /**
   * Positive grades of the selected user sorted descending, in a reused buffer (valid until the
   * next select); only needed for graded NDCG — binary users have an all-ones ideal.
   */
  idealGrades(): Float64Array {
    if (this.idealBuf.length < this.count) this.idealBuf = new Float64Array(2 * this.count);
    let w = 0;
    if (this.list) {
      const r = this.current;
      if (r instanceof Map) {
        for (const g of (r as ReadonlyMap<number, number>).values()) if (g > 0) this.idealBuf[w++] = g;
      } else for (let i = 0; i < this.count; i++) this.idealBuf[w++] = 1;
    } else {
      const c = this.csr as { items: Int32Array; offsets: Int32Array; grades?: Float32Array | Float64Array };
      for (let i = c.offsets[this.marked] as number; i < (c.offsets[this.marked + 1] as number); i++) {
        const g = c.grades ? (c.grades[i] as number) : 1;
        if (g > 0) this.idealBuf[w++] = g;
      }
    }
    const out = this.idealBuf.subarray(0, w);
    out.sort();
    out.reverse();
    return out;
  }

  /** The dense grade array of the selected user (CSR layout), else null; index = item id. */
  dense(): Float64Array | null {
    return this.csr ? this.scratch : null;
  }

  /** Grade of `item` for the selected user. */
  grade(item: number): number {
    if (this.list) return gradeOf(this.current, item);
    return item >= 0 && item < this.scratch.length ? (this.scratch[item] as number) : 0;
  }

  /** Unmarks the scratch array (CSR layout). */
  clear(): void {
    if (this.marked < 0 || !this.csr) return;
    const c = this.csr;
    for (let i = c.offsets[this.marked] as number; i < (c.offsets[this.marked + 1] as number); i++) {
      this.scratch[c.items[i] as number] = 0;
    }
    this.marked = -1;
  }
}
