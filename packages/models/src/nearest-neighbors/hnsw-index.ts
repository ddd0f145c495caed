import { Rng } from '@tunekit/core';
import { ModelsError } from '../errors';
import { checkK, unitQuery, type CosineIndex, type SearchOptions } from './exact-index';
import type { Neighbors } from './top-k';
import { dotAt, normalizeRows, rowCount } from './vectors';

/** Options of {@link HnswIndex.build}. */
export interface HnswOptions {
  /** Links per node on upper layers (layer 0 keeps 2·m). Default 16. */
  m?: number;
  /** Candidate list size while inserting; larger = better graph, slower build. Default 200. */
  efConstruction?: number;
  /** Candidate list size while searching (at least k is used); larger = higher recall. Default 64. */
  efSearch?: number;
  /** Seed of the level draws, so the same vectors give the same graph. Default 42. */
  seed?: number;
}

/**
 * Binary heap of (distance, node) on parallel arrays; `max` puts the largest distance on top.
 */
class DistHeap {
  private d: Float64Array;
  private id: Int32Array;
  size = 0;

  constructor(
    capacity: number,
    private readonly max: boolean,
  ) {
    this.d = new Float64Array(Math.max(4, capacity));
    this.id = new Int32Array(Math.max(4, capacity));
  }

  clear(): void {
    this.size = 0;
  }

  topDist(): number {
    return this.d[0] as number;
  }

  topId(): number {
    return this.id[0] as number;
  }

  private above(a: number, b: number): boolean {
    return this.max ? a > b : a < b;
  }

  push(dist: number, node: number): void {
    if (this.size === this.d.length) {
      const d = new Float64Array(this.d.length * 2);
      d.set(this.d);
      const id = new Int32Array(this.id.length * 2);
      id.set(this.id);
      this.d = d;
      this.id = id;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(dist, this.d[p] as number)) break;
      this.d[i] = this.d[p] as number;
      this.id[i] = this.id[p] as number;
      i = p;
    }
    this.d[i] = dist;
    this.id[i] = node;
  }

  pop(): void {
    const n = --this.size;
    if (n <= 0) return;
    const dist = this.d[n] as number;
    const node = this.id[n] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.above(this.d[r] as number, this.d[l] as number) ? r : l;
      if (!this.above(this.d[c] as number, dist)) break;
      this.d[i] = this.d[c] as number;
      this.id[i] = this.id[c] as number;
      i = c;
    }
    this.d[i] = dist;
    this.id[i] = node;
  }

  /** Entries as [dist, node] sorted by ascending distance (ties: lower node first). */
  sorted(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.size; i++) out.push([this.d[i] as number, this.id[i] as number]);
    return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }
}

/**
 * Hierarchical navigable small-world graph (Malkov & Yashunin 2018, arXiv:1603.09320) for
 * approximate cosine nearest neighbours, in pure TypeScript. Rows are stored unit-normalised and
 * compared by `1 − dot`. Node levels are drawn from a seeded {@link Rng}, neighbours chosen with
 * the paper's heuristic (Algorithm 4), so a build is reproducible.
 *
 * @example
 * ```ts
 * const index = HnswIndex.build(vectors, 64, { m: 16, efConstruction: 200, seed: 7 });
 * index.search(query, 10).indices; // approximate top-10 rows, best first
 * ```
 */
export class HnswIndex implements CosineIndex {
  readonly kind = 'hnsw' as const;
  readonly size: number;
  readonly m: number;
  readonly efConstruction: number;
  /** Search candidate list size; may be changed between queries to trade speed for recall. */
  efSearch: number;
  private readonly m0: number;
  private readonly level: Uint8Array;
  /** Layer-0 links: node i's neighbours at `base[i·m0 .. i·m0 + baseCount[i])`. */
  private readonly base: Int32Array;
  private readonly baseCount: Uint8Array;
  /** Upper-layer links: `upper[i][l-1]` for layers 1..level[i]. */
  private readonly upper: (number[][] | undefined)[];
  private entry = -1;
  private maxLevel = -1;
  private readonly visited: Uint32Array;
  private stamp = 0;

  private constructor(
    private readonly unit: Float32Array,
    readonly dim: number,
    options: Required<HnswOptions>,
  ) {
    this.size = unit.length / dim;
    this.m = options.m;
    this.m0 = options.m * 2;
    this.efConstruction = options.efConstruction;
    this.efSearch = options.efSearch;
    this.level = new Uint8Array(this.size);
    this.base = new Int32Array(this.size * this.m0);
    this.baseCount = new Uint8Array(this.size);
    this.upper = new Array(this.size);
    this.visited = new Uint32Array(this.size);
  }

  /**
   * Builds the graph by inserting every row in order.
   *
   * @param vectors - float32 `[rows, dim]`, row-major (normalised on a copy)
   * @param dim - vector width
   * @param options - {@link HnswOptions}
   * @returns the index
   * @throws ModelsError `INVALID_INPUT` (bad option, non-finite value), `SHAPE_MISMATCH`
   */
  static build(vectors: Float32Array, dim: number, options: HnswOptions = {}): HnswIndex {
    const opts: Required<HnswOptions> = { m: 16, efConstruction: 200, efSearch: 64, seed: 42, ...options };
    for (const key of ['m', 'efConstruction', 'efSearch'] as const) {
      const v = opts[key];
      if (!Number.isInteger(v) || v < 2 || (key === 'm' && v > 100)) {
        throw new ModelsError('INVALID_INPUT', `HnswIndex option ${key} must be an integer ≥ 2${key === 'm' ? ' and ≤ 100' : ''}, got ${v}.`, { context: { [key]: v } });
      }
    }
    rowCount(vectors, dim, 'HnswIndex.build');
    const index = new HnswIndex(normalizeRows(vectors, dim), dim, opts);
    const rng = new Rng(opts.seed);
    const mL = 1 / Math.log(opts.m);
    for (let i = 0; i < index.size; i++) {
      const level = Math.min(31, Math.floor(-Math.log(1 - rng.next()) * mL));
      index.insert(i, level);
    }
    return index;
  }

  /** @inheritdoc */
  vector(row: number): Float32Array {
    if (!Number.isInteger(row) || row < 0 || row >= this.size) {
      throw new ModelsError('INVALID_INPUT', `row ${row} is outside the index (0..${this.size - 1}).`, { context: { row } });
    }
    return this.unit.slice(row * this.dim, (row + 1) * this.dim);
  }

  /**
   * @inheritdoc
   * @throws ModelsError `INVALID_INPUT` (bad k), `SHAPE_MISMATCH` (query width)
   */
  search(query: Float32Array, k: number, options: SearchOptions = {}): Neighbors {
    checkK(k);
    if (this.size === 0) return { indices: new Int32Array(0), scores: new Float32Array(0) };
    const q = unitQuery(query, this.dim);
    const want = k + (options.exclude === undefined ? 0 : 1);
    let ep = this.entry;
    for (let l = this.maxLevel; l > 0; l--) ep = this.greedy(q, 0, ep, l);
    const found = this.searchLayer(q, 0, [ep], Math.max(this.efSearch, want), 0)
      .filter(([, node]) => node !== options.exclude)
      .slice(0, k);
    return { indices: Int32Array.from(found, ([, n]) => n), scores: Float32Array.from(found, ([d]) => 1 - d) };
  }

  private dist(q: Float32Array, qo: number, node: number): number {
    return 1 - dotAt(q, qo, this.unit, node * this.dim, this.dim);
  }

  private links(node: number, layer: number): ArrayLike<number> {
    if (layer === 0) return this.base.subarray(node * this.m0, node * this.m0 + (this.baseCount[node] as number));
    return (this.upper[node] as number[][])[layer - 1] as number[];
  }

  private setLinks(node: number, layer: number, list: readonly number[]): void {
    if (layer === 0) {
      this.base.set(list, node * this.m0);
      this.baseCount[node] = list.length;
    } else (this.upper[node] as number[][])[layer - 1] = list.slice();
  }

  /** Greedy walk on one layer towards the query (ef = 1). */
  private greedy(q: Float32Array, qo: number, start: number, layer: number): number {
    let cur = start;
    let best = this.dist(q, qo, cur);
    for (let changed = true; changed; ) {
      changed = false;
      const nb = this.links(cur, layer);
      for (let i = 0; i < nb.length; i++) {
        const c = nb[i] as number;
        const d = this.dist(q, qo, c);
        if (d < best || (d === best && c < cur)) {
          best = d;
          cur = c;
          changed = true;
        }
      }
    }
    return cur;
  }

  /** Best-first search of one layer; returns up to `ef` [dist, node], nearest first. */
  private searchLayer(q: Float32Array, qo: number, entries: readonly number[], ef: number, layer: number): [number, number][] {
    if (++this.stamp === 0xffffffff) {
      this.visited.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const candidates = new DistHeap(ef * 2, false);
    const results = new DistHeap(ef + 1, true);
    for (const e of entries) {
      this.visited[e] = stamp;
      const d = this.dist(q, qo, e);
      candidates.push(d, e);
      results.push(d, e);
    }
    while (results.size > ef) results.pop();
    while (candidates.size > 0) {
      const cd = candidates.topDist();
      const c = candidates.topId();
      if (results.size >= ef && cd > results.topDist()) break;
      candidates.pop();
      const nb = this.links(c, layer);
      for (let i = 0; i < nb.length; i++) {
        const e = nb[i] as number;
        if (this.visited[e] === stamp) continue;
        this.visited[e] = stamp;
        const d = this.dist(q, qo, e);
        if (results.size < ef || d < results.topDist()) {
          candidates.push(d, e);
          results.push(d, e);
          if (results.size > ef) results.pop();
        }
      }
    }
    return results.sorted();
  }

  /** Heuristic neighbour selection: keep a candidate only if it is closer to the base than to any kept one. */
  private select(candidates: readonly [number, number][], max: number): number[] {
    const kept: number[] = [];
    for (const [d, c] of candidates) {
      if (kept.length >= max) break;
      let good = true;
      for (const r of kept) {
        if (1 - dotAt(this.unit, c * this.dim, this.unit, r * this.dim, this.dim) < d) {
          good = false;
          break;
        }
      }
      if (good) kept.push(c);
    }
    return kept;
  }

  private insert(node: number, level: number): void {
    this.level[node] = level;
    if (level > 0) this.upper[node] = Array.from({ length: level }, () => []);
    if (this.entry < 0) {
      this.entry = node;
      this.maxLevel = level;
      return;
    }
    const qo = node * this.dim;
    const q = this.unit;
    let ep = this.entry;
    for (let l = this.maxLevel; l > level; l--) ep = this.greedy(q, qo, ep, l);
    let entries = [ep];
    for (let l = Math.min(level, this.maxLevel); l >= 0; l--) {
      const found = this.searchLayer(q, qo, entries, this.efConstruction, l);
      const maxLinks = l === 0 ? this.m0 : this.m;
      const chosen = this.select(found, this.m);
      this.setLinks(node, l, chosen);
      for (const e of chosen) {
        const current = Array.from(this.links(e, l));
        current.push(node);
        if (current.length <= maxLinks) {
          this.setLinks(e, l, current);
          continue;
        }
        const eo = e * this.dim;
        const scored = current.map((c): [number, number] => [1 - dotAt(this.unit, eo, this.unit, c * this.dim, this.dim), c]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        this.setLinks(e, l, this.select(scored, maxLinks));
      }
      entries = found.map(([, n]) => n);
    }
    if (level > this.maxLevel) {
      this.entry = node;
      this.maxLevel = level;
    }
  }
}
