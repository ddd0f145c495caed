import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { CliError, writeJsonAtomic } from '@tunekit/cli-kit';
import {
  carveValidation,
  categoricalColumns,
  encodeCategorical,
  fitCategorical,
  fitTwoTower,
  indexInteractions,
  saveTwoTower,
  twoTowerConfigSchema,
  type FeatureMatrix,
  type InteractionMatrix,
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
    let final = selection;
    if (config.refit) {
      log.info(`refit on all ${x.userItems.length} training pairs for ${selection.bestEpoch} epochs`);
      final = await fitTwoTower({ train: x, ...features }, { ...config.model, epochs: selection.bestEpoch }, {
        onEpoch: async (e) => {
          await ctx.recordEpoch(1000 + e.epoch, { refit_loss: e.loss, seconds: e.seconds });
          log.info(`refit epoch ${e.epoch}: loss ${e.loss.toFixed(4)} (${e.seconds.toFixed(1)} s)`);
        },
      });
    }
    saveTwoTower(ctx.runDir, {
      itemKind: config.data.itemKind,
      dim: final.config.dim,
      config: final.config,
      userIds: data.userIds,
      itemIds: data.itemIds,
      ...(itemNames ? { itemNames } : {}),
      userFeatureNames: [],
      itemFeatureNames: itemFeatures?.names ?? [],
      weights: final.weights,
      userFeatures: new Float32Array(0),
      itemFeatures: itemFeatures?.values ?? new Float32Array(0),
      historyPtr: x.userPtr,
      historyItems: x.userItems,
      metadata: { tagVocabulary, trainFile: config.data.train },
    });
    const report = {
      selection: { bestEpoch: selection.bestEpoch, bestValNdcg: selection.bestValNdcg, history: selection.history },
      refit: config.refit ? { history: final.history } : null,
      secondsPerEpoch: final.secondsPerEpoch,
      stepsPerEpoch: final.stepsPerEpoch,
      backend: runtime.backend,
    };
    writeJsonAtomic(join(ctx.runDir, 'training-report.json'), report);
    return {
      metrics: { val_ndcg10: selection.bestValNdcg, best_epoch: selection.bestEpoch, seconds_per_epoch: final.secondsPerEpoch, steps_per_epoch: final.stepsPerEpoch },
      dataHash: createHash('sha256').update(readFileSync(trainPath)).digest('hex').slice(0, 16),
      backend: runtime.backend,
    };
  },
});
