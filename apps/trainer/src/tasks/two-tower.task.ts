import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { CliError, writeJsonAtomic } from '@tunekit/cli-kit';
import {
  carveValidation,
  categoricalColumns,
  concatMemberWeights,
  encodeCategorical,
  evaluateFullRanking,
  fitCategorical,
  fitTwoTower,
  indexInteractions,
  saveTwoTower,
  towerVectors,
  twoTowerConfigSchema,
  vectorScorer,
  type FeatureMatrix,
  type InteractionMatrix,
  type TwoTowerWeights,
} from '@tunekit/models';
import { initRuntime } from '@tunekit/runtime';
import { defineTrainTask } from '../task';

/** Config of the two-tower trainer task (the YAML minus `task`/`database`). */
export const twoTowerTaskSchema = z
  .object({
    data: z
      .object({
        /** user<TAB>item<TAB>weight file with a header (the canonical train split). */
        train: z.string(),
        /** What the items are (artist, track): stored in the artifacts, never branched on. */
        itemKind: z.string().default('item'),
        /** Optional display names of the items (for explanations): a headed TSV with an id and a name column. */
        itemNames: z.object({ file: z.string(), idColumn: z.string(), nameColumn: z.string() }).strict().optional(),
        /** Optional item tags from an assignment file (user, item, tag columns, header). */
        itemTags: z
          .object({
            file: z.string(),
            userColumn: z.string(),
            itemColumn: z.string(),
            tagColumn: z.string(),
            /** Optional id → name file for tag names (two columns, header). */
            names: z.string().optional(),
            /** Text encoding of the names file (hetrec's tags.dat is ISO-8859-1). */
            namesEncoding: z.enum(['utf8', 'latin1']).default('utf8'),
            /** Keep the most frequent tags (counted as (item, tag) pairs over training items). */
            top: z.number().int().positive().default(200),
            minCount: z.number().int().positive().default(2),
            /** Use only assignments whose (user, item) pair is a training interaction (no leak from held-out plays). */
            onlyTrainPairs: z.boolean().default(true),
          })
          .strict()
          .optional(),
      })
      .strict(),
    validation: z
      .object({ fraction: z.number().gt(0).lt(1).default(0.2), minItems: z.number().int().positive().default(5), seed: z.number().int().default(7) })
      .strict()
      .default({ fraction: 0.2, minItems: 5, seed: 7 }),
    /** After early stopping on the validation carve-out, retrain on all of train for the best epoch count. */
    refit: z.boolean().default(true),
    model: twoTowerConfigSchema.default(twoTowerConfigSchema.parse({})),
  })
  .strict();

function resolvePath(root: string, p: string): string {
  return isAbsolute(p) ? p : join(root, p);
}

/** Reads a headed tab-separated file into rows of strings (small files: whole-file read). */
function readTsv(path: string, encoding: 'utf8' | 'latin1' = 'utf8'): { header: string[]; rows: string[][] } {
  let text: string;
  try {
    text = readFileSync(path, encoding);
  } catch (err) {
    throw new CliError('CONFIG_INVALID', `Cannot read ${path}: ${(err as Error).message}. The Last.fm data lives in ../shared/data (see its README.md).`, { cause: err, context: { path } });
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  return { header: (lines[0] ?? '').split('\t'), rows: lines.slice(1).map((l) => l.split('\t')) };
}

function column(header: string[], name: string, path: string): number {
  const k = header.indexOf(name);
  if (k < 0) throw new CliError('CONFIG_INVALID', `${path}: no column "${name}" (columns: ${header.join(', ')}).`, { context: { path, column: name } });
  return k;
}

/** Multi-hot tag features of the items (top tags; rare → <other>; none → <unknown>). */
function tagFeatures(root: string, cfg: NonNullable<z.infer<typeof twoTowerTaskSchema>['data']['itemTags']>, itemIds: string[], userIds: string[], x: InteractionMatrix): { features: FeatureMatrix; vocabulary: string[] } {
  const path = resolvePath(root, cfg.file);
  const { header, rows } = readTsv(path);
  const [cu, ci, ct] = [column(header, cfg.userColumn, path), column(header, cfg.itemColumn, path), column(header, cfg.tagColumn, path)];
  const itemIndex = new Map(itemIds.map((id, k) => [id, k]));
  const userIndex = new Map(userIds.map((id, k) => [id, k]));
  const names = new Map<string, string>();
  if (cfg.names) {
    const n = readTsv(resolvePath(root, cfg.names), cfg.namesEncoding);
    for (const r of n.rows) names.set(r[0] ?? '', r[1] ?? '');
  }
  const tagsOf: Set<string>[] = itemIds.map(() => new Set<string>());
  for (const r of rows) {
    const i = itemIndex.get(r[ci] ?? '');
    if (i === undefined) continue;
    if (cfg.onlyTrainPairs) {
      const u = userIndex.get(r[cu] ?? '');
      if (u === undefined) continue;
      const row = x.userItems.subarray(x.userPtr[u]!, x.userPtr[u + 1]!);
      if (!row.includes(i)) continue;
    }
    const t = r[ct] ?? '';
    tagsOf[i]!.add(names.get(t) ?? t);
  }
  const values = tagsOf.map((s) => (s.size > 0 ? [...s] : null));
  const vocab = fitCategorical('tag', values, cfg.minCount, cfg.top);
  const rare = new Set(values.flatMap((v) => v ?? []));
  return { features: { names: categoricalColumns(vocab), values: encodeCategorical(vocab, values, rare) }, vocabulary: [...vocab.categories] };
}

/**
 * Two-tower hybrid recommender on user–item plays (`data.train`), optionally with item tags:
 * early stopping and hyper-parameters on a per-user validation carve-out of train, then an
 * optional refit on all of train for the best epoch count. Writes `model.json`, `weights.bin`,
 * `two-tower.json` and `training-report.json` into the run directory.
 */
export const twoTowerTask = defineTrainTask({
  family: 'two-tower',
  description: 'Two-tower retrieval (in-batch softmax, temperature, logQ, accidental hits) over ids + side features',
  schema: twoTowerTaskSchema,
  flagOverrides: (flags) => (typeof flags['epochs'] === 'string' ? [`model.epochs=${flags['epochs']}`] : []),
  async run(ctx) {
    const { config, log, workspaceRoot } = ctx;
    const runtime = await initRuntime({ log: (m) => log.info(m) });
    const trainPath = resolvePath(workspaceRoot, config.data.train);
    const { header, rows } = readTsv(trainPath);
    const [cu, ci] = [0, 1];
    if (header.length < 2) throw new CliError('CONFIG_INVALID', `${trainPath}: expected user<TAB>item[<TAB>weight] columns, got "${header.join('\t')}".`, { context: { path: trainPath } });
    const data = indexInteractions(rows.map((r) => r[cu] ?? ''), rows.map((r) => r[ci] ?? ''));
    const x = data.matrix;
    log.info(`${x.nUsers} users × ${x.nItems} ${config.data.itemKind}s, ${x.userItems.length} interactions (${trainPath})`);
    let itemFeatures: FeatureMatrix | undefined;
    let tagVocabulary: string[] = [];
    if (config.data.itemTags) {
      const t = tagFeatures(workspaceRoot, config.data.itemTags, data.itemIds, data.userIds, x);
      itemFeatures = t.features;
      tagVocabulary = t.vocabulary;
      log.info(`item tag features: ${t.features.names.length} columns (top ${config.data.itemTags.top}, onlyTrainPairs ${config.data.itemTags.onlyTrainPairs})`);
    }
    let itemNames: string[] | undefined;
    if (config.data.itemNames) {
      const path = resolvePath(workspaceRoot, config.data.itemNames.file);
      const t = readTsv(path);
      const [ci, cn] = [column(t.header, config.data.itemNames.idColumn, path), column(t.header, config.data.itemNames.nameColumn, path)];
      const byId = new Map(t.rows.map((r) => [r[ci] ?? '', r[cn] ?? '']));
      itemNames = data.itemIds.map((id) => byId.get(id) ?? '');
    }
    const { train, validation } = carveValidation(x, config.validation.fraction, config.validation.minItems, config.validation.seed);
    log.info(`validation carve-out: ${validation.userItems.length} pairs held out of ${x.userItems.length}`);
    const features = itemFeatures ? { itemFeatures } : {};
    const selection = await fitTwoTower({ train, validation: { ptr: validation.userPtr, items: validation.userItems }, ...features }, config.model, {
      onEpoch: async (e) => {
        await ctx.recordEpoch(e.epoch, { loss: e.loss, val_ndcg10: e.valNdcg, val_recall20: e.valRecall, seconds: e.seconds });
        log.info(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)} val NDCG@10 ${e.valNdcg.toFixed(4)} recall@20 ${e.valRecall.toFixed(4)} (${e.seconds.toFixed(1)} s, ${e.steps} steps)`);
      },
      onCheckpoint: (epoch, w) => {
        writeJsonAtomic(join(ctx.runDir, 'checkpoint.json'), { epoch, note: 'best validation epoch so far; weights are written at the end of the run' });
        void w;
      },
    });
    log.info(`best validation epoch ${selection.bestEpoch}: NDCG@10 ${selection.bestValNdcg.toFixed(4)}`);
    // Seed ensemble: members 2…ensemble trained on the carve-out's train part for the chosen epoch
    // count (member 1 is the selection run's best-epoch weights); the member count is the prefix
    // with the best validation NDCG@10 (a member is only added when it strictly improves it).
    const dim = config.model.dim;
    const memberSeed = (k: number): number => config.model.seed + 1000 * k;
    const valRel = { ptr: validation.userPtr, items: validation.userItems };
    const ensembleValidation: { members: number; valNdcg10: number; valRecall20: number }[] = [];
    const carveMembers: TwoTowerWeights[] = [selection.weights];
    let members = 1;
    if (config.model.ensemble > 1) {
      for (let k = 1; k < config.model.ensemble; k++) {
        log.info(`ensemble member ${k + 1}/${config.model.ensemble} on the carve-out: ${selection.bestEpoch} epochs, seed ${memberSeed(k)}`);
        const fit = await fitTwoTower({ train, ...features }, { ...config.model, epochs: selection.bestEpoch, seed: memberSeed(k) });
        carveMembers.push(fit.weights);
      }
      let bestVal = -Infinity;
      for (let m = 1; m <= carveMembers.length; m++) {
        const w = concatMemberWeights(carveMembers.slice(0, m), dim);
        const U = towerVectors(w.userTable, w.userProj, null, train.nUsers, dim * m, m);
        const V = towerVectors(w.itemTable, w.itemProj, itemFeatures?.values ?? null, train.nItems, dim * m, m);
        const r = evaluateFullRanking(vectorScorer(U, V, dim * m), train, valRel, { topOnly: true });
        const row = { members: m, valNdcg10: r.means['ndcg@10']!, valRecall20: r.means['recall@20']! };
        ensembleValidation.push(row);
        await ctx.recordEpoch(5000 + m, { ensemble_val_ndcg10: row.valNdcg10, ensemble_val_recall20: row.valRecall20 });
        log.info(`ensemble of ${m}: validation NDCG@10 ${row.valNdcg10.toFixed(4)} recall@20 ${row.valRecall20.toFixed(4)}`);
        if (row.valNdcg10 > bestVal) {
          bestVal = row.valNdcg10;
          members = m;
        }
      }
      log.info(`chosen ensemble size ${members} (validation NDCG@10 ${bestVal.toFixed(4)})`);
    }
    let final = selection;
    let finalMembers = carveMembers.slice(0, members);
    if (config.refit) {
      finalMembers = [];
      for (let k = 0; k < members; k++) {
        log.info(`refit member ${k + 1}/${members} on all ${x.userItems.length} training pairs for ${selection.bestEpoch} epochs (seed ${memberSeed(k)})`);
        final = await fitTwoTower({ train: x, ...features }, { ...config.model, epochs: selection.bestEpoch, seed: memberSeed(k) }, {
          onEpoch: async (e) => {
            await ctx.recordEpoch(1000 + 100 * k + e.epoch, { refit_loss: e.loss, seconds: e.seconds });
            log.info(`refit member ${k + 1} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} (${e.seconds.toFixed(1)} s)`);
          },
        });
        finalMembers.push(final.weights);
      }
    }
    saveTwoTower(ctx.runDir, {
      itemKind: config.data.itemKind,
      dim: dim * members,
      ...(members > 1 ? { members } : {}),
      config: { ...final.config, seed: config.model.seed },
      userIds: data.userIds,
      itemIds: data.itemIds,
      ...(itemNames ? { itemNames } : {}),
      userFeatureNames: [],
      itemFeatureNames: itemFeatures?.names ?? [],
      weights: members > 1 ? concatMemberWeights(finalMembers, dim) : finalMembers[0]!,
      userFeatures: new Float32Array(0),
      itemFeatures: itemFeatures?.values ?? new Float32Array(0),
      historyPtr: x.userPtr,
      historyItems: x.userItems,
      metadata: { tagVocabulary, trainFile: config.data.train, ensembleValidation, memberSeeds: finalMembers.map((_, k) => memberSeed(k)) },
    });
    const report = {
      selection: { bestEpoch: selection.bestEpoch, bestValNdcg: selection.bestValNdcg, history: selection.history },
      ensemble: { members, validation: ensembleValidation },
      refit: config.refit ? { history: final.history } : null,
      secondsPerEpoch: final.secondsPerEpoch,
      stepsPerEpoch: final.stepsPerEpoch,
      backend: runtime.backend,
    };
    writeJsonAtomic(join(ctx.runDir, 'training-report.json'), report);
    return {
      metrics: { val_ndcg10: selection.bestValNdcg, ...(ensembleValidation.length > 0 ? { ensemble_val_ndcg10: Math.max(...ensembleValidation.map((r) => r.valNdcg10)) } : {}), ensemble_members: members, best_epoch: selection.bestEpoch, seconds_per_epoch: final.secondsPerEpoch, steps_per_epoch: final.stepsPerEpoch },
      dataHash: createHash('sha256').update(readFileSync(trainPath)).digest('hex').slice(0, 16),
      backend: runtime.backend,
    };
  },
});
