/**
 * `npm run bench -- metrics [--users N] [--k K] [--items N] [--repeats R]`
 * Throughput of @tunekit/metrics on synthetic top-K lists (default 100k users × top-100 over a
 * 50k-item catalogue, 1–30 relevant items per user, seeded): time per metric through
 * evaluateRanking, all metrics in one pass, CSR vs Set relevance, and topK on full score rows.
 * Writes artifacts/bench/metrics.json.
 */
import { Rng } from '@tunekit/core';
import { evaluateRanking, topK } from '@tunekit/metrics';
import { writeBenchResult } from '../report';

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer, got ${args[i + 1]}`);
  return v;
}

/** Best (minimum) wall and CPU time of `repeats` runs, in seconds. CPU time is reported too
 * because on a shared, loaded machine wall time mostly measures the other processes. */
function time(repeats: number, f: () => unknown): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    f();
    wall = Math.min(wall, Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { wall, cpu };
}

const ms = (s: number): string => (s * 1000).toFixed(1).padStart(8);

export async function run(args: string[]): Promise<void> {
  const users = flag(args, 'users', 100_000);
  const k = flag(args, 'k', 100);
  const nItems = flag(args, 'items', 50_000);
  const repeats = flag(args, 'repeats', 3);
  const rng = new Rng(42);

  // Lists: k distinct items per user (rejection on a small per-user set), flat with stride k.
  const lists = new Int32Array(users * k);
  const relOffsets = new Int32Array(users + 1);
  const relItems: number[] = [];
  const seen = new Set<number>();
  for (let u = 0; u < users; u++) {
    seen.clear();
    for (let j = 0; j < k; j++) {
      let it = rng.int(nItems);
      while (seen.has(it)) it = rng.int(nItems);
      seen.add(it);
      lists[u * k + j] = it;
    }
    // 1–30 relevant items; about a third drawn from the user's own list so there are hits.
    const nRel = 1 + rng.int(30);
    const rel = new Set<number>();
    while (rel.size < nRel) rel.add(rng.bernoulli(0.33) ? (lists[u * k + rng.int(k)] as number) : rng.int(nItems));
    for (const it of rel) relItems.push(it);
    relOffsets[u + 1] = relItems.length;
  }
  const relevantCsr = { items: Int32Array.from(relItems), offsets: relOffsets };
  const relevantSets = Array.from({ length: users }, (_, u) => new Set(relItems.slice(relOffsets[u], relOffsets[u + 1])));
  const input = { lists: { items: lists, k }, relevant: relevantCsr };

  const specs = ['ndcg@10', 'ndcg@100', 'map@10', 'mrr@100', 'recall@20', 'precision@10', 'hit@10', 'f1@10', 'r-prec'];
  const perMetric: Record<string, { wall_seconds: number; cpu_seconds: number; users_per_second_cpu: number; value: number }> = {};
  console.log(`metrics bench: ${users} users × top-${k}, ${nItems} items, best of ${repeats} (wall / cpu)`);
  for (const s of specs) {
    let value = Number.NaN;
    const t = time(repeats, () => {
      value = evaluateRanking(input, [s]).means[s] as number;
    });
    perMetric[s] = { wall_seconds: t.wall, cpu_seconds: t.cpu, users_per_second_cpu: Math.round(users / t.cpu), value };
    console.log(`  ${s.padEnd(14)} ${ms(t.wall)} ms ${ms(t.cpu)} ms   mean ${value.toFixed(4)}`);
  }
  const allCsr = time(repeats, () => evaluateRanking(input, specs));
  const allSets = time(repeats, () => evaluateRanking({ lists: input.lists, relevant: relevantSets }, specs));
  console.log(`  all ${specs.length} in one pass, CSR relevance ${ms(allCsr.wall)} ms ${ms(allCsr.cpu)} ms`);
  console.log(`  all ${specs.length} in one pass, Set relevance ${ms(allSets.wall)} ms ${ms(allSets.cpu)} ms`);

  // topK over full score rows (the full-catalogue helper), on a sample of rows.
  const rows = 200;
  const row = new Float32Array(nItems);
  const mask = new Uint8Array(nItems);
  for (let i = 0; i < nItems; i++) mask[i] = rng.bernoulli(0.001) ? 1 : 0;
  const topkSeconds = time(repeats, () => {
    for (let r = 0; r < rows; r++) {
      for (let i = 0; i < nItems; i++) row[i] = rng.next();
      topK(row, k, mask);
    }
  });
  const fillSeconds = time(repeats, () => {
    for (let r = 0; r < rows; r++) for (let i = 0; i < nItems; i++) row[i] = rng.next();
  });
  const topkPerRowMs = (Math.max(0, topkSeconds.cpu - fillSeconds.cpu) / rows) * 1000;
  console.log(`  topK(k=${k}) over ${nItems} scores: ${topkPerRowMs.toFixed(3)} ms per row (cpu, random fill subtracted)`);

  const path = writeBenchResult('metrics', {
    config: { users, k, items: nItems, repeats, seed: 42, relevant_per_user: '1-30', metrics: specs },
    per_metric: perMetric,
    all_metrics_one_pass_seconds: { csr_relevance: allCsr, set_relevance: allSets },
    note: 'wall and cpu seconds, best of repeats; on a loaded machine compare cpu seconds (see machine.load_avg)',
    topk: { rows, items: nItems, k, cpu_ms_per_row: topkPerRowMs },
    target: 'each metric well under 1 s for 100k users × top-100',
  });
  console.log(`wrote ${path}`);
}
