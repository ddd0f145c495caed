import { evaluateRanking } from './evaluate-ranking';
import type { RankingPopulation } from './evaluate-ranking';
import { MetricsError } from './metrics-error';
import { parseMetricSpecs } from './metric-spec';
import type { MetricSpec } from './metric-spec';

/** Judgements: query id → (document id → relevance grade). */
export type Qrels = Map<string, Map<string, number>>;

/** One retrieved document of a run. */
export interface RunEntry {
  readonly doc: string;
  readonly score: number;
  /** The rank column as written (ignored for ordering, like trec_eval). */
  readonly rank: number;
  /** 1-based line in the run file. */
  readonly line: number;
}

/** A run: query id → retrieved documents in file order. */
export type Run = Map<string, RunEntry[]>;

function parseError(source: string, line: number, message: string, text: string): MetricsError {
  return new MetricsError('PARSE_ERROR', `${source}:${line}: ${message} (line: "${text.length > 120 ? `${text.slice(0, 117)}...` : text}")`, {
    context: { file: source, line },
  });
}

/**
 * Parses a TREC qrels file: one judgement per line, `query 0 doc relevance` (whitespace
 * separated; the second column is ignored), relevance an integer (≤ 0 = not relevant). Blank
 * lines are skipped.
 *
 * @param text - file contents. @param source - name used in error messages (path).
 * @returns query → doc → grade.
 * @throws MetricsError `PARSE_ERROR` naming `source:line` on a wrong field count, a non-integer
 *   relevance, or a repeated (query, doc) pair.
 * @example
 * ```ts
 * parseQrels('q1 0 d1 1\nq1 0 d2 0\n').get('q1')?.get('d1'); // 1
 * ```
 */
export function parseQrels(text: string, source = 'qrels'): Qrels {
  const out: Qrels = new Map();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const t = raw.trim();
    if (t === '') continue;
    const f = t.split(/\s+/);
    if (f.length !== 4) throw parseError(source, i + 1, `expected 4 fields "query 0 doc relevance", got ${f.length}`, t);
    const [q, , doc, relText] = f as [string, string, string, string];
    if (!/^[+-]?\d+$/.test(relText)) throw parseError(source, i + 1, `relevance "${relText}" is not an integer`, t);
    let m = out.get(q);
    if (!m) out.set(q, (m = new Map()));
    if (m.has(doc)) throw parseError(source, i + 1, `document "${doc}" is judged twice for query "${q}"`, t);
    m.set(doc, Number(relText));
  }
  return out;
}

/**
 * Parses a TREC run file: `query Q0 doc rank score tag` per line (6 whitespace-separated fields),
 * rank an integer, score a finite number. Blank lines are skipped.
 *
 * @param text - file contents. @param source - name used in error messages (path).
 * @returns query → entries in file order.
 * @throws MetricsError `PARSE_ERROR` naming `source:line` on a wrong field count, a bad rank or
 *   score, or a document retrieved twice for one query.
 * @example
 * ```ts
 * parseRun('q1 Q0 d1 1 2.5 sys\n').get('q1')?.[0]?.score; // 2.5
 * ```
 */
export function parseRun(text: string, source = 'run'): Run {
  const out: Run = new Map();
  const seen = new Map<string, Set<string>>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const t = (lines[i] as string).trim();
    if (t === '') continue;
    const f = t.split(/\s+/);
    if (f.length !== 6) throw parseError(source, i + 1, `expected 6 fields "query Q0 doc rank score tag", got ${f.length}`, t);
    const [q, , doc, rankText, scoreText] = f as [string, string, string, string, string, string];
    if (!/^[+-]?\d+$/.test(rankText)) throw parseError(source, i + 1, `rank "${rankText}" is not an integer`, t);
    const score = Number(scoreText);
    if (scoreText === '' || !Number.isFinite(score)) throw parseError(source, i + 1, `score "${scoreText}" is not a finite number`, t);
    let s = seen.get(q);
    if (!s) seen.set(q, (s = new Set()));
    if (s.has(doc)) throw parseError(source, i + 1, `document "${doc}" is retrieved twice for query "${q}"`, t);
    s.add(doc);
    let list = out.get(q);
    if (!list) out.set(q, (list = []));
    list.push({ doc, score, rank: Number(rankText), line: i + 1 });
  }
  return out;
}

/**
 * How equal scores are ordered in a run: `id-asc` (tunekit's default: document id ascending,
 * lexicographic) or `trec_eval` (document id descending, as trec_eval sorts).
 */
export type TrecTieBreak = 'id-asc' | 'trec_eval';

/** Options of {@link evaluateTrec}. */
export interface TrecEvalOptions {
  /** Tie-break of equal scores; default `id-asc`. */
  readonly ties?: TrecTieBreak;
  /** Include per-query values; default false. */
  readonly perQuery?: boolean;
}

/** Result of {@link evaluateTrec} (what `tunekit-eval` prints). */
export interface TrecEvalResult {
  /** Mean per metric over the evaluated queries (NaN → null in JSON). */
  readonly metrics: Record<string, number>;
  /** Query counts: in qrels, evaluated, without relevant docs, without a run, run-only. */
  readonly population: {
    readonly queriesInQrels: number;
    readonly queriesEvaluated: number;
    readonly queriesWithoutRelevant: readonly string[];
    readonly queriesWithoutRun: readonly string[];
    readonly queriesOnlyInRun: readonly string[];
  };
  readonly options: { readonly ties: TrecTieBreak; readonly metrics: readonly string[] };
  /** query → metric → value, when asked. */
  readonly perQuery?: Record<string, Record<string, number>>;
}

/**
 * Scores a run against qrels, trec_eval style: each query's documents are ordered by score
 * descending (the rank column is ignored), equal scores by document id (see {@link TrecTieBreak});
 * a document is relevant when its grade is > 0 and unjudged documents are non-relevant; graded
 * grades feed NDCG's gain. Means are over queries in the qrels with ≥ 1 relevant document; a
 * query with relevant documents but no run line scores 0 (trec_eval `-c`), and is listed.
 * Differences from trec_eval's names: `map@k` divides by min(|R|, k) (use `map-r@k` for
 * `map_cut.k`), `mrr` is `recip_rank`, `precision@k` is `P.k`, `recall@k` is `recall.k`,
 * `ndcg@k` is `ndcg_cut.k`, `r-prec` is `Rprec`.
 *
 * @param qrels - parsed judgements. @param run - parsed run.
 * @param metrics - metric specs (text list or parsed).
 * @param options - ties, perQuery.
 * @returns means, population and, if asked, per-query values.
 * @throws MetricsError `UNKNOWN_METRIC` on a bad spec.
 * @example
 * ```ts
 * const r = evaluateTrec(parseQrels('q 0 a 1\n'), parseRun('q Q0 b 1 2 s\nq Q0 a 2 1 s\n'), 'mrr');
 * r.metrics.mrr; // 0.5
 * ```
 */
export function evaluateTrec(
  qrels: Qrels,
  run: Run,
  metrics: string | readonly string[] | readonly MetricSpec[],
  options: TrecEvalOptions = {},
): TrecEvalResult {
  const specs: MetricSpec[] =
    typeof metrics === 'string' || metrics.length === 0 || typeof metrics[0] === 'string'
      ? parseMetricSpecs(metrics as string | readonly string[])
      : [...(metrics as readonly MetricSpec[])];
  const ties = options.ties ?? 'id-asc';
  const queries = [...qrels.keys()].sort();
  const docIds = new Map<string, number>();
  const idOf = (d: string): number => {
    let id = docIds.get(d);
    if (id === undefined) docIds.set(d, (id = docIds.size));
    return id;
  };
  const lists: Int32Array[] = [];
  const relevant: Map<number, number>[] = [];
  const withoutRun: string[] = [];
  for (const q of queries) {
    const judged = qrels.get(q) as Map<string, number>;
    const rel = new Map<number, number>();
    for (const [d, g] of judged) rel.set(idOf(d), g);
    relevant.push(rel);
    const entries = (run.get(q) ?? []).slice();
    let hasRel = false;
    for (const g of judged.values()) if (g > 0) hasRel = true;
    if (entries.length === 0 && hasRel) withoutRun.push(q);
    entries.sort((a, b) => {
      if (a.score !== b.score) return b.score - a.score;
      const c = a.doc < b.doc ? -1 : a.doc > b.doc ? 1 : 0;
      return ties === 'id-asc' ? c : -c;
    });
    lists.push(Int32Array.from(entries, (e) => idOf(e.doc)));
  }
  const result = evaluateRanking({ lists, relevant, listsAreComplete: true }, specs);
  const pop: RankingPopulation = result.population;
  const perQuery: Record<string, Record<string, number>> = {};
  if (options.perQuery) {
    queries.forEach((q, u) => {
      if (relevant[u] && [...(relevant[u] as Map<number, number>).values()].some((g) => g > 0)) {
        const row: Record<string, number> = {};
        for (const s of specs) row[s.key] = (result.perUser[s.key] as Float64Array)[u] as number;
        perQuery[q] = row;
      }
    });
  }
  return {
    metrics: result.means,
    population: {
      queriesInQrels: pop.users,
      queriesEvaluated: pop.usersEvaluated,
      queriesWithoutRelevant: Array.from(pop.usersWithoutRelevantIndices, (u) => queries[u] as string),
      queriesWithoutRun: withoutRun,
      queriesOnlyInRun: [...run.keys()].filter((q) => !qrels.has(q)).sort(),
    },
    options: { ties, metrics: specs.map((s) => s.key) },
    ...(options.perQuery ? { perQuery } : {}),
  };
}
