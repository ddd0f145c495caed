import { MetricsError } from './metrics-error';
import type { ApDenominator, GainKind } from './ranking-metrics';

/** Ranking metric families understood by {@link parseMetricSpec}. */
export type RankingMetricName = 'ndcg' | 'dcg' | 'map' | 'mrr' | 'recall' | 'precision' | 'hit' | 'f1' | 'r-prec' | 'auc';

/** A parsed ranking metric spec. */
export interface MetricSpec {
  /** Canonical key used in results, e.g. `ndcg@10`, `map-r@10`, `mrr`, `r-prec`. */
  readonly key: string;
  /** Metric family. */
  readonly name: RankingMetricName;
  /** Cut-off; undefined for `mrr` (full list), `r-prec` and `auc`. */
  readonly k: number | undefined;
  /** Gain of DCG/NDCG (`ndcg-exp`, `dcg-exp` select `exponential`). */
  readonly gain: GainKind;
  /** AP denominator (`map-r@k` selects `relevant` = |R|, trec_eval's map_cut). */
  readonly apDenominator: ApDenominator;
}

interface Family {
  readonly name: RankingMetricName;
  readonly needsK: 'required' | 'optional' | 'none';
  readonly gain?: GainKind;
  readonly apDenominator?: ApDenominator;
}

/** Registry of accepted spellings → family (frozen; aliases map to the canonical family). */
const FAMILIES: Readonly<Record<string, Family>> = Object.freeze({
  ndcg: { name: 'ndcg', needsK: 'required' },
  'ndcg-exp': { name: 'ndcg', needsK: 'required', gain: 'exponential' },
  dcg: { name: 'dcg', needsK: 'required' },
  'dcg-exp': { name: 'dcg', needsK: 'required', gain: 'exponential' },
  map: { name: 'map', needsK: 'required' },
  'map-r': { name: 'map', needsK: 'required', apDenominator: 'relevant' },
  mrr: { name: 'mrr', needsK: 'optional' },
  recall: { name: 'recall', needsK: 'required' },
  precision: { name: 'precision', needsK: 'required' },
  p: { name: 'precision', needsK: 'required' },
  hit: { name: 'hit', needsK: 'required' },
  hr: { name: 'hit', needsK: 'required' },
  f1: { name: 'f1', needsK: 'required' },
  'r-prec': { name: 'r-prec', needsK: 'none' },
  rprec: { name: 'r-prec', needsK: 'none' },
  auc: { name: 'auc', needsK: 'none' },
});

/** Every accepted metric spelling (for help texts). */
export const METRIC_NAMES: readonly string[] = Object.freeze(Object.keys(FAMILIES));

/**
 * Parses one ranking metric spec such as `ndcg@10`, `ndcg-exp@10`, `map@10`, `map-r@10`, `mrr`,
 * `mrr@10`, `recall@20`, `precision@10` (`p@10`), `hit@10` (`hr@10`), `f1@10`, `r-prec`, `auc`.
 * Case and surrounding spaces are ignored. Shared by the `tunekit-eval` command and the evaluator.
 *
 * @param spec - the text of one spec.
 * @returns the parsed spec with its canonical key.
 * @throws MetricsError `UNKNOWN_METRIC` naming the spec when the family is unknown or the cut-off
 *   is missing, not a positive integer, or not allowed for that family.
 * @example
 * ```ts
 * parseMetricSpec('NDCG@10'); // { key: 'ndcg@10', name: 'ndcg', k: 10, gain: 'linear', apDenominator: 'min' }
 * ```
 */
export function parseMetricSpec(spec: string): MetricSpec {
  const text = spec.trim().toLowerCase();
  const at = text.indexOf('@');
  const base = at < 0 ? text : text.slice(0, at);
  const kText = at < 0 ? undefined : text.slice(at + 1);
  const fam = Object.prototype.hasOwnProperty.call(FAMILIES, base) ? FAMILIES[base] : undefined;
  const fail = (why: string): never => {
    throw new MetricsError('UNKNOWN_METRIC', `Unknown metric "${spec}": ${why}. Known: ${METRIC_NAMES.join(', ')} (with @k where needed, e.g. ndcg@10)`, {
      context: { spec },
    });
  };
  if (!fam) return fail(`no metric family "${base}"`);
  let k: number | undefined;
  if (kText !== undefined) {
    if (fam.needsK === 'none') return fail(`${fam.name} takes no @k`);
    if (!/^[1-9]\d*$/.test(kText)) return fail(`cut-off "${kText}" is not a positive integer`);
    k = Number(kText);
  } else if (fam.needsK === 'required') {
    return fail(`${base} needs a cut-off, e.g. ${base}@10`);
  }
  const canonicalBase =
    fam.name === 'ndcg' || fam.name === 'dcg'
      ? fam.gain === 'exponential'
        ? `${fam.name}-exp`
        : fam.name
      : fam.name === 'map' && fam.apDenominator === 'relevant'
        ? 'map-r'
        : fam.name;
  return {
    key: k === undefined ? canonicalBase : `${canonicalBase}@${k}`,
    name: fam.name,
    k,
    gain: fam.gain ?? 'linear',
    apDenominator: fam.apDenominator ?? 'min',
  };
}

/**
 * Parses a comma-separated list of specs (`ndcg@10,map@10,mrr`), dropping duplicates.
 *
 * @param list - comma-separated specs, or an array of specs.
 * @returns parsed specs in order of first appearance.
 * @throws MetricsError `UNKNOWN_METRIC` on the first unknown spec; `INVALID_ARGUMENT` when empty.
 * @example
 * ```ts
 * parseMetricSpecs('ndcg@10, recall@20').map((s) => s.key); // ['ndcg@10', 'recall@20']
 * ```
 */
export function parseMetricSpecs(list: string | readonly string[]): MetricSpec[] {
  const parts = (typeof list === 'string' ? list.split(',') : list).map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) throw new MetricsError('INVALID_ARGUMENT', 'no metric given; e.g. ndcg@10,map@10,mrr');
  const seen = new Set<string>();
  const out: MetricSpec[] = [];
  for (const p of parts) {
    const s = parseMetricSpec(p);
    if (!seen.has(s.key)) {
      seen.add(s.key);
      out.push(s);
    }
  }
  return out;
}
