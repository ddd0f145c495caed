import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { CliError } from '@tunekit/cli-kit';
import { bootstrapCI, catalogueCoverage, compareSystems, exposureCounts, intraListDiversity, ndcgAtK, novelty, serendipity } from '@tunekit/metrics';
import {
  buildInteractionMatrix,
  ease,
  evaluateFullRanking,
  indexHeldOut,
  itemDegrees,
  itemKnn,
  loadRanker,
  loadTwoTower,
  RANKER_JSON,
  rankingAuc,
  rerankingScorer,
  type PairAucs,
  mostPopular,
  recommend,
  artifactVectors,
  userVector,
  vectorScorer,
  type EaseModel,
  type FullRankingResult,
  type FullSortScorer,
} from '@tunekit/models';
import { getInteractionSplit, importInteractionSplit } from '@tunekit/data-access';
import { initRuntime } from '@tunekit/runtime';
import { findRunDir, readRunEpochs } from '../runs';
import { coverageCurveChart } from '../report/chart-specs';
import { defineEvalTask, type ReportChart, type ReportTable } from '../task';

const TwoTowerEvalSchema = z
  .object({
    /** Trained model name: artifacts/models/<model>/. */
    model: z.string(),
    /** Run id, or `latest`. */
    run: z.string().default('latest'),
    /**
     * Held-out interactions. A model trained on a benchmark split names its test file here (imported
     * into interaction_splits like the train file); a model trained on a holdout of the play log is
     * evaluated on the pairs its run saved (`held-out.json`), so leave `test` out.
     */
    data: z
      .object({
        test: z.object({ file: z.string(), dataset: z.string(), split: z.string().default('test') }).strict().optional(),
      })
      .strict()
      .default({}),
    baselines: z
      .object({
        mostPopular: z.boolean().default(true),
        /** ItemKNN neighbours per item column; 0 disables. */
        itemKnnK: z.number().int().min(0).default(100),
        /** EASE λ; 0 disables. */
        easeLambda: z.number().min(0).default(250),
      })
      .strict()
      .default({ mostPopular: true, itemKnnK: 100, easeLambda: 250 }),
    /** Cut-off of coverage, diversity, novelty and serendipity. */
    beyondK: z.number().int().positive().default(10),
    /** Rounds and seed of the paired permutation test and bootstrap CI. */
    significance: z.object({ rounds: z.number().int().positive().default(10_000), seed: z.number().int().default(42) }).strict().default({ rounds: 10_000, seed: 42 }),
    /** Users whose recommendations and explanations are shown in the report. */
    explainUsers: z.array(z.string()).default([]),
    /** Reference numbers to print next to ours (system → metric → value). */
    references: z.record(z.string(), z.record(z.string(), z.number())).default({}),
  })
  .strict();

interface HeldOutPairs {
  users: string[];
  items: string[];
}

/** The run's held-out pairs (holdout-trained models), with the cold-start users' encoded feature rows. */
function readHeldOut(runDir: string): { test: HeldOutPairs; cold: HeldOutPairs; coldUserFeatures?: { userIds: string[]; names: string[]; values: number[]; entities?: Record<string, (string | null)[]> } } {
  const path = join(runDir, 'held-out.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ReturnType<typeof readHeldOut>;
  } catch (err) {
    throw new CliError('CONFIG_INVALID', `Cannot read ${path}: ${(err as Error).message}. The model was not trained on a holdout of the play log: name its test split in data.test (file, dataset).`, { cause: err, context: { key: 'data.test', path } });
  }
}

const RANK_KEYS = ['ndcg@10', 'recall@20', 'hit@10', 'map@10', 'mrr', 'auc'] as const;

/**
 * Evaluates the latest two-tower run on the held-out file: every user with held-out items ranks
 * all training items with their own training items masked (the Last.fm protocol of
 * `../shared/data/README.md`), next to most-popular, ItemKNN and EASE computed here on the same
 * matrix; beyond-accuracy metrics and paired significance tests against every baseline.
 */
export const twoTowerEvalTask = defineEvalTask({
  family: 'two-tower',
  description: 'Full-catalogue ranking of the two-tower model vs most-popular, ItemKNN and EASE, with significance tests',
  schema: TwoTowerEvalSchema,
  async run(ctx) {
    const { config, log, workspaceRoot } = ctx;
    const runDir = findRunDir(ctx.modelsRoot, config.model, config.run);
    const art = loadTwoTower(runDir);
    await initRuntime({ log: (m) => log.info(m) });
    const vocab = { userIds: art.userIds, itemIds: art.itemIds };
    // The model's own training history is the matrix every system is fitted on and masks.
    const historyUsers = new Int32Array(art.historyItems.length);
    for (let u = 0; u < art.userIds.length; u++) historyUsers.fill(u, art.historyPtr[u]!, art.historyPtr[u + 1]!);
    const x = buildInteractionMatrix(historyUsers, art.historyItems, art.userIds.length, art.itemIds.length);
    let testPairs: HeldOutPairs;
    let heldOut: ReturnType<typeof readHeldOut> | null = null;
    if (config.data.test) {
      const t = config.data.test;
      const path = isAbsolute(t.file) ? t.file : join(workspaceRoot, t.file);
      const meta = (art.metadata ?? {}) as { userSource?: string; itemSource?: string };
      if (!meta.userSource || !meta.itemSource) throw new CliError('CONFIG_INVALID', `${runDir}: the artifacts do not record userSource/itemSource; retrain the model with this version.`, { context: { key: 'model' } });
      const r = await importInteractionSplit(ctx.db.db, { path, dataset: t.dataset, split: t.split, itemKind: art.itemKind as 'artist' | 'track', userSource: meta.userSource, itemSource: meta.itemSource });
      if (r.rowsImported > 0) log.info(`imported ${path} into interaction_splits as ${t.dataset}/${t.split}: ${r.rowsImported} rows`);
      const s = await getInteractionSplit(ctx.db.db, { dataset: t.dataset, split: t.split, itemKind: art.itemKind as 'artist' | 'track' });
      testPairs = { users: s.userIds, items: s.itemIds };
    } else {
      heldOut = readHeldOut(runDir);
      testPairs = heldOut.test;
    }
    const test = indexHeldOut(testPairs.users, testPairs.items, vocab);
    const rel = { ptr: test.matrix.userPtr, items: test.matrix.userItems };
    log.info(`${x.nUsers} users × ${x.nItems} ${art.itemKind}s; test pairs ${testPairs.users.length} (${test.dropped} dropped: item or user not in train)`);

    const U = artifactVectors(art, 'user');
    const V = artifactVectors(art, 'item');
    const systems: { name: string; make: () => FullSortScorer }[] = [{ name: 'model', make: () => vectorScorer(U, V, art.dim) }];
    // Retrieval + ranking: the run's ranking head (if trained) re-scores the model's top-N.
    const rankerDir = join(runDir, 'ranking');
    const ranker = existsSync(join(rankerDir, RANKER_JSON)) ? loadRanker(rankerDir) : null;
    let rankingAucs: PairAucs | null = null;
    if (ranker) {
      const topN = Number((ranker.metadata as { topN?: number } | undefined)?.topN ?? 100);
      systems.push({ name: 'model+ranking', make: () => rerankingScorer(ranker, vectorScorer(U, V, art.dim), { topN, exclude: { ptr: x.userPtr, items: x.userItems }, name: 'model+ranking' }) });
      rankingAucs = rankingAuc(ranker, { ptr: x.userPtr, items: x.userItems }, rel);
      log.info(`ranking head on test pairs: sampled AUC ${rankingAucs.auc.toFixed(4)} vs u·v ${rankingAucs.dotAuc.toFixed(4)} vs popularity ${rankingAucs.popularityAuc.toFixed(4)} (${rankingAucs.positives} positives, ${rankingAucs.negatives} negatives)`);
    }
    if (config.baselines.mostPopular) systems.push({ name: 'most-popular', make: () => mostPopular(x) });
    if (config.baselines.itemKnnK > 0) systems.push({ name: 'itemknn', make: () => itemKnn(x, { k: config.baselines.itemKnnK }) });
    if (config.baselines.easeLambda > 0) systems.push({ name: 'ease', make: () => ease(x, { lambda: config.baselines.easeLambda }) });

    const results = new Map<string, FullRankingResult>();
    const metrics = new Map<string, Record<string, number>>();
    const timing: Record<string, Record<string, number | string>> = {};
    const popularity = itemDegrees(x);
    const popList = Array.from(popularity.keys()).sort((a, b) => popularity[b]! - popularity[a]! || a - b);
    const K = config.beyondK;
    for (const s of systems) {
      let t0 = performance.now();
      const scorer = s.make();
      const fitSeconds = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const r = evaluateFullRanking(scorer, x, rel);
      const evalSeconds = (performance.now() - t0) / 1000;
      timing[s.name] = { fit_seconds: fitSeconds, eval_seconds: evalSeconds };
      const solved = scorer as Partial<EaseModel>;
      if (solved.solver !== undefined) Object.assign(timing[s.name]!, { solver: solved.solver, inverted_order: solved.order ?? 0, solve_seconds: solved.solveSeconds ?? 0 });
      const lists = { items: r.lists, k: r.listLength };
      const relevance = Array.from(r.users, (u) => new Set(test.matrix.userItems.subarray(test.matrix.userPtr[u]!, test.matrix.userPtr[u + 1]!)));
      const m: Record<string, number> = { ...r.means };
      m[`coverage@${K}`] = catalogueCoverage(lists, { universe: 'training-items', items: x.nItems, k: K }).coverage;
      m[`diversity@${K}`] = intraListDiversity(lists, V, art.dim, K).mean;
      m[`novelty@${K}`] = novelty(lists, popularity, x.nUsers, K).mean;
      m[`serendipity@${K}`] = serendipity(lists, relevance, { shared: popList.slice(0, K) }, K).mean;
      results.set(s.name, r);
      metrics.set(s.name, m);
      log.info(`${s.name}: NDCG@10 ${m['ndcg@10']!.toFixed(4)} Recall@20 ${m['recall@20']!.toFixed(4)} HR@10 ${m['hit@10']!.toFixed(4)} MAP@10 ${m['map@10']!.toFixed(4)} MRR ${m['mrr']!.toFixed(4)} AUC ${m['auc']!.toFixed(4)} (fit ${fitSeconds.toFixed(1)} s, eval ${evalSeconds.toFixed(1)} s)`);
    }
    // Cross-check the in-house ranking loop against @tunekit/metrics on the model's lists.
    const mr = results.get('model')!;
    let worst = 0;
    for (let t = 0; t < mr.users.length; t++) {
      const u = mr.users[t]!;
      const relSet = new Set(test.matrix.userItems.subarray(test.matrix.userPtr[u]!, test.matrix.userPtr[u + 1]!));
      worst = Math.max(worst, Math.abs(ndcgAtK(mr.lists.subarray(t * mr.listLength, (t + 1) * mr.listLength), relSet, 10) - mr.perUser['ndcg@10']![t]!));
    }
    if (worst > 1e-9) throw new CliError('CONFIG_INVALID', `Internal check failed: NDCG@10 from evaluateFullRanking and @tunekit/metrics differ by ${worst}.`);

    // Cold-start users (held out entirely: no id in training) are served from their features alone
    // (the unknown-id row + the user tower's features), ranked over the whole training catalogue.
    let coldStart: Record<string, unknown> | null = null;
    if (heldOut && heldOut.cold.users.length > 0) {
      const coldIds = [...new Set(heldOut.cold.users)];
      const coldIndex = new Map(coldIds.map((id, k) => [id, k]));
      const itemIdx = new Map(art.itemIds.map((id, k) => [id, k]));
      const cu: number[] = [];
      const ci: number[] = [];
      heldOut.cold.users.forEach((u, k) => {
        const i = itemIdx.get(heldOut!.cold.items[k]!);
        if (i !== undefined) {
          cu.push(coldIndex.get(u)!);
          ci.push(i);
        }
      });
      const coldRel = buildInteractionMatrix(cu, ci, coldIds.length, x.nItems);
      const noHistory = buildInteractionMatrix([], [], coldIds.length, x.nItems);
      const f = heldOut.coldUserFeatures;
      const featRow = new Map((f?.userIds ?? []).map((id, k) => [id, k]));
      const Uc = new Float32Array(coldIds.length * art.dim);
      coldIds.forEach((id, k) => {
        const row = featRow.get(id);
        const features = row === undefined || !f ? {} : Object.fromEntries(f.names.map((n, c) => [n, f.values[row * f.names.length + c]!]));
        const entities = row === undefined || !f?.entities ? {} : Object.fromEntries(Object.entries(f.entities).flatMap(([name, vals]) => (vals[row] == null ? [] : [[name, vals[row]!]])));
        Uc.set(userVector(art, { features, entities }).vector, k * art.dim);
      });
      const coldSystems: [string, FullSortScorer][] = [['model', vectorScorer(Uc, V, art.dim)], ['most-popular', mostPopular(x)]];
      const coldResults = new Map(coldSystems.map(([n, scorer]) => [n, evaluateFullRanking(scorer, noHistory, { ptr: coldRel.userPtr, items: coldRel.userItems })]));
      const cm = coldResults.get('model')!;
      const cp = coldResults.get('most-popular')!;
      const c = compareSystems(cm.perUser['ndcg@10']!, cp.perUser['ndcg@10']!, { rounds: config.significance.rounds, seed: config.significance.seed });
      coldStart = {
        users: cm.users.length,
        pairs: ci.length,
        user_features: art.userFeatureNames.length,
        model: cm.means,
        'most-popular': cp.means,
        ndcg10_vs_most_popular: { mean_difference: c.difference.mean, ci95: [c.difference.lower, c.difference.upper], permutation_p: c.permutation.pValue, n: c.n },
      };
      log.info(`cold-start users (${cm.users.length}, features only): NDCG@10 ${cm.means['ndcg@10']!.toFixed(4)} vs most-popular ${cp.means['ndcg@10']!.toFixed(4)} (p = ${c.permutation.pValue.toFixed(4)})`);
    }
    const baselineNames = systems.map((s) => s.name).filter((n) => n !== 'model' && n !== 'model+ranking');
    const best = baselineNames.reduce<string | null>((b, n) => (b === null || metrics.get(n)!['ndcg@10']! > metrics.get(b)!['ndcg@10']! ? n : b), null);
    const significance: Record<string, unknown> = { best_baseline: best, metric: 'ndcg@10', test: 'paired permutation (sign-flip) + paired t-test, per user; bootstrap 95% CI of the mean difference' };
    for (const n of baselineNames) {
      const perMetric: Record<string, unknown> = {};
      for (const key of ['ndcg@10', 'recall@20', 'map@10'] as const) {
        const c = compareSystems(mr.perUser[key]!, results.get(n)!.perUser[key]!, { rounds: config.significance.rounds, seed: config.significance.seed });
        perMetric[key] = { mean_difference: c.difference.mean, ci95: [c.difference.lower, c.difference.upper], permutation_p: c.permutation.pValue, t: c.tTest.t, t_p: c.tTest.pValue, n: c.n };
      }
      significance[`model_vs_${n}`] = perMetric;
    }
    if (results.has('model+ranking')) {
      const c = compareSystems(results.get('model+ranking')!.perUser['ndcg@10']!, mr.perUser['ndcg@10']!, { rounds: config.significance.rounds, seed: config.significance.seed });
      significance['ranking_vs_retrieval'] = { metric: 'ndcg@10', mean_difference: c.difference.mean, ci95: [c.difference.lower, c.difference.upper], permutation_p: c.permutation.pValue, t_p: c.tTest.pValue, n: c.n };
      log.info(`ranking stage vs retrieval alone: NDCG@10 ${c.difference.mean >= 0 ? '+' : ''}${c.difference.mean.toFixed(4)} (p = ${c.permutation.pValue.toFixed(4)})`);
    }
    const report = (() => {
      try {
        return JSON.parse(readFileSync(join(runDir, 'training-report.json'), 'utf8')) as { secondsPerEpoch?: number; stepsPerEpoch?: number; selection?: { bestEpoch: number; bestValNdcg: number } };
      } catch {
        return {};
      }
    })();
    const epochs = readRunEpochs(runDir).filter((e) => Number.isFinite(e['val_ndcg10']));
    const charts: ReportChart[] = epochs.length > 0 /* training curve first */
      ? [{
          title: 'Validation NDCG@10 per epoch (carve-out of train)',
          caption: 'Early stopping and the epoch count of the refit are chosen on this curve, never on test.',
          spec: { mark: { type: 'line', point: true }, data: { values: epochs.map((e) => ({ epoch: e['epoch'], ndcg: e['val_ndcg10'] })) }, encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'ndcg', type: 'quantitative', title: 'val NDCG@10' } } },
        }]
      : [];
    // Popularity / coverage curve: cumulative share of all top-K slots taken by the most-exposed items.
    const curve = systems.flatMap((s) => {
      const r = results.get(s.name)!;
      const counts = Array.from(exposureCounts({ items: r.lists, k: r.listLength }, x.nItems, K)).sort((a, b) => b - a);
      const total = counts.reduce((a, b) => a + b, 0) || 1;
      const points: { system: string; itemShare: number; coverage: number }[] = [{ system: s.name, itemShare: 0, coverage: 0 }];
      let acc = 0;
      const step = Math.max(1, Math.floor(counts.length / 200));
      counts.forEach((c, i) => {
        acc += c;
        if ((i + 1) % step === 0 || i === counts.length - 1) points.push({ system: s.name, itemShare: (i + 1) / counts.length, coverage: acc / total });
      });
      return points;
    });
    charts.push(coverageCurveChart(curve, { caption: `Share of all top-${K} recommendation slots taken by the most-recommended items (training catalogue, most exposed first); a curve near the diagonal spreads exposure over the long tail.` }));
    // 95% bootstrap intervals of the headline metrics over test users, per system.
    const intervals = Object.fromEntries(
      systems.map((s) => {
        const r = results.get(s.name)!;
        return [s.name, Object.fromEntries(['ndcg@10', 'recall@20', 'map@10'].filter((k) => r.perUser[k]).map((k) => {
          const ci = bootstrapCI(r.perUser[k]!, { seed: 42, rounds: 2000 });
          return [k, [ci.lower, ci.upper] as [number, number]];
        }))];
      }),
    );
    const keys = [...RANK_KEYS, `coverage@${K}`, `diversity@${K}`, `novelty@${K}`, `serendipity@${K}`];
    const tables: ReportTable[] = [
      { title: 'Systems on the held-out interactions', columns: ['system', ...keys], rows: systems.map((s) => [s.name, ...keys.map((k) => Number((metrics.get(s.name)![k] ?? Number.NaN).toFixed(4)))]) },
      { title: 'Timing (seconds)', columns: ['system', 'fit', 'eval', 'solver', 'inverted order'], rows: systems.map((s) => [s.name, Number(Number(timing[s.name]!['fit_seconds']).toFixed(2)), Number(Number(timing[s.name]!['eval_seconds']).toFixed(2)), String(timing[s.name]!['solver'] ?? ''), Number(timing[s.name]!['inverted_order'] ?? 0) || null]) },
    ];
    const explainRows: (string | number | null)[][] = [];
    const itemIndex = new Map(art.itemIds.map((id, k) => [id, k]));
    for (const userId of config.explainUsers) {
      for (const r of recommend(art, { userId }, 5)) {
        const label = (id: string): string => {
          const name = art.itemNames?.[itemIndex.get(id) ?? -1];
          return name ? `${name} (${id})` : id;
        };
        explainRows.push([userId, label(r.itemId), Number(r.score.toFixed(4)), r.explanation.similarItems.map((s) => `${label(s.itemId)} ${s.similarity.toFixed(2)}`).join(', '), r.explanation.features.map((f) => `${f.name} +${f.contribution.toFixed(3)}`).join(', ')]);
      }
    }
    if (rankingAucs) {
      tables.push({
        title: 'Ranking stage: sampled AUC on held-out pairs (each positive vs uniform negatives the user never played)',
        columns: ['scorer', 'AUC', 'positives', 'negatives'],
        rows: [
          ['ranking head', Number(rankingAucs.auc.toFixed(4)), rankingAucs.positives, rankingAucs.negatives],
          ['u·v (retrieval)', Number(rankingAucs.dotAuc.toFixed(4)), rankingAucs.positives, rankingAucs.negatives],
          ['popularity', Number(rankingAucs.popularityAuc.toFixed(4)), rankingAucs.positives, rankingAucs.negatives],
        ],
      });
    }
    if (coldStart) {
      const cs = coldStart as { users: number; model: Record<string, number>; 'most-popular': Record<string, number>; ndcg10_vs_most_popular: { permutation_p: number } };
      tables.push({
        title: `Cold-start users (${cs.users}, no id in training): served from features alone`,
        columns: ['system', 'NDCG@10', 'Recall@20', 'HR@10', 'MRR', 'paired p (NDCG@10)'],
        rows: [
          ['model (features only)', ...(['ndcg@10', 'recall@20', 'hit@10', 'mrr'] as const).map((k) => Number((cs.model[k] ?? Number.NaN).toFixed(4))), Number(cs.ndcg10_vs_most_popular.permutation_p.toFixed(4))],
          ['most-popular', ...(['ndcg@10', 'recall@20', 'hit@10', 'mrr'] as const).map((k) => Number((cs['most-popular'][k] ?? Number.NaN).toFixed(4))), null],
        ],
      });
    }
    if (explainRows.length > 0) tables.push({ title: 'Recommendations with explanations', columns: ['user', 'item', 'score', 'similar history items', 'top score terms'], rows: explainRows });
    const { model: modelMetrics, ...rest } = Object.fromEntries(metrics) as Record<string, Record<string, number>>;
    return {
      model: { ...modelMetrics!, seconds_per_epoch: report.secondsPerEpoch ?? Number.NaN, steps_per_epoch: report.stepsPerEpoch ?? Number.NaN },
      baselines: rest,
      headline: ['ndcg@10', 'recall@20', 'map@10'],
      intervals,
      references: config.references,
      population: { users_evaluated: mr.users.length, users: x.nUsers, items: x.nItems, item_kind: art.itemKind, test_pairs: testPairs.users.length, test_pairs_dropped: test.dropped },
      significance,
      extra: { timing, selection: report.selection ?? null, ...(coldStart ? { cold_start: coldStart } : {}), ...(rankingAucs ? { ranking_auc: rankingAucs } : {}) },
      charts,
      tables,
      runDir,
      notes: [
        'Protocol: every user with held-out items ranks all training items, own training items masked; binary relevance; ties break towards the lower item index.',
        'Diversity uses the two-tower item vectors for every system (1 − mean pairwise cosine in the top list); novelty = mean −log2(item users / users); serendipity counts hits outside the global most-popular top list.',
        `Hyper-parameters and the epoch count were chosen on a per-user validation carve-out of train (best validation NDCG@10 ${report.selection?.bestValNdcg?.toFixed(4) ?? 'n/a'} at epoch ${report.selection?.bestEpoch ?? 'n/a'}).`,
      ],
    };
  },
});
