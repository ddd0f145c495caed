#!/usr/bin/env node
/**
 * `tunekit-eval <qrels> <run> [--metrics list] [--per-query] [--ties id-asc|trec_eval]`
 * Scores a TREC run file against a qrels file and prints a JSON object. Exit codes: 0 ok,
 * 2 usage error, unreadable file, malformed line (reported as file:line) or unknown metric.
 */
import { readFileSync } from 'node:fs';
import { evaluateTrec, parseQrels, parseRun } from '../trec';
import type { TrecTieBreak } from '../trec';
import { METRIC_NAMES } from '../metric-spec';
import { MetricsError } from '../metrics-error';

const DEFAULT_METRICS = 'ndcg@10,map@10,mrr,recall@20,precision@10,hit@10,r-prec';

const USAGE = `usage: tunekit-eval <qrels> <run> [--metrics ${DEFAULT_METRICS}] [--per-query] [--ties id-asc|trec_eval]

  qrels   lines "query 0 doc relevance" (relevance > 0 = relevant; grades feed NDCG gain)
  run     lines "query Q0 doc rank score tag" (ordered by score desc; rank column ignored)
  --metrics    comma-separated: ${METRIC_NAMES.join(', ')} (with @k where needed)
  --per-query  add per-query values
  --ties       equal scores: id-asc (default) or trec_eval (doc id descending)
Prints one JSON object: { metrics, population, options, perQuery? }.`;

function usage(message: string): never {
  process.stderr.write(`tunekit-eval: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  const positional: string[] = [];
  let metrics = DEFAULT_METRICS;
  let perQuery = false;
  let ties: TrecTieBreak = 'id-asc';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (a === '--per-query') perQuery = true;
    else if (a === '--metrics' || a.startsWith('--metrics=')) metrics = value();
    else if (a === '--ties' || a.startsWith('--ties=')) {
      const t = value();
      if (t !== 'id-asc' && t !== 'trec_eval') usage(`--ties must be id-asc or trec_eval, got "${t}"`);
      ties = t;
    } else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length !== 2) usage(`expected 2 files (qrels, run), got ${positional.length}`);
  const [qrelsPath, runPath] = positional as [string, string];
  const read = (p: string): string => {
    try {
      return readFileSync(p, 'utf8');
    } catch (err) {
      return usage(`cannot read ${p}: ${(err as Error).message}`);
    }
  };
  const qrels = parseQrels(read(qrelsPath), qrelsPath);
  const run = parseRun(read(runPath), runPath);
  const result = evaluateTrec(qrels, run, metrics, { ties, perQuery });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  if (err instanceof MetricsError) {
    process.stderr.write(`tunekit-eval: ${err.code}: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
