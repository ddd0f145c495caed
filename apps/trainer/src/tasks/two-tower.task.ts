import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError, writeJsonAtomic } from '@tunekit/cli-kit';
import { getUserAttributes } from '@tunekit/data-access';
import type { Columns } from '@tunekit/preprocessing';
import {
  carveValidation,
  concatFeatures,
  concatMemberWeights,
  evaluateFullRanking,
  fitTwoTower,
  saveTwoTower,
  towerVectors,
  twoTowerConfigSchema,
  vectorScorer,
  encodeEntity,
  fitCompatibility,
  fitRanker,
  rankingConfigSchema,
  saveRanker,
  type EntityFeature,
  type FeatureMatrix,
  type TwoTowerArtifacts,
  type TwoTowerWeights,
} from '@tunekit/models';
import { initRuntime } from '@tunekit/runtime';
import { fitFeatures, itemColumns, loadTrainingPairs, tagFeatures, TwoTowerDataSchema, TwoTowerFeaturesSchema, userColumns } from './two-tower.data';
import { defineTrainTask } from '../task';

/** Config of the two-tower trainer task (the YAML minus `task`/`database`). */
export const twoTowerTaskSchema = z
  .object({
    data: TwoTowerDataSchema,
    features: TwoTowerFeaturesSchema,
    validation: z
      .object({ fraction: z.number().gt(0).lt(1).default(0.2), minItems: z.number().int().positive().default(5), seed: z.number().int().default(7) })
      .strict()
      .default({ fraction: 0.2, minItems: 5, seed: 7 }),
    /** After early stopping on the validation carve-out, retrain on all of train for the best epoch count. */
    refit: z.boolean().default(true),
    model: twoTowerConfigSchema.default(twoTowerConfigSchema.parse({})),
    /**
     * Optional ranking stage: an MLP head over [u | v | u⊙v | u·v | compatibility features] that
     * re-scores the retrieval top-N. It is trained on the validation carve-out (pairs the selection
     * towers never saw) with the selection run's towers, which it keeps.
     */
    ranking: z
      .object({
        /** Share of the carve-out's pairs the head learns from; the rest early-stops it (validation AUC). */
        positivesShare: z.number().gt(0).lt(1).default(0.75),
        /** Retrieval candidates per user the head re-scores (evaluator, recommender). */
        topN: z.number().int().positive().default(100),
        /** Age-group boundaries (years) of the age×genre feature. */
        ageGroups: z.array(z.number()).default([18, 25, 35, 45, 55]),
        head: rankingConfigSchema.default(rankingConfigSchema.parse({})),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * Two-tower hybrid recommender on user–item plays read from the database (`data.interactions`: an
 * imported benchmark split, or a seeded holdout of the play log; the item kind is data), with user
 * and item feature specs, tags and entity features: early stopping and hyper-parameters on a
 * per-user validation carve-out of train, an optional seed ensemble and ranking stage, then a refit
 * on all of train for the best epoch count. Writes `model.json`, `weights.bin`, `two-tower.json`,
 * `checkpoint/`, `ranking/` (with a ranking stage), `held-out.json` (holdout data) and
 * `training-report.json` into the run directory.
 */
export const twoTowerTask = defineTrainTask({
  family: 'two-tower',
  description: 'Two-tower retrieval (in-batch softmax, temperature, logQ, accidental hits) over ids + side features',
  schema: twoTowerTaskSchema,
  flagOverrides: (flags) => (typeof flags['epochs'] === 'string' ? [`model.epochs=${flags['epochs']}`] : []),
  async run(ctx) {
    const { config, db, log, workspaceRoot } = ctx;
    const loaded = await loadTrainingPairs(db, config.data, { workspaceRoot, log });
    const runtime = await initRuntime({ log: (m) => log.info(m) });
    const data = loaded.indexed;
    const x = data.matrix;
    log.info(`${x.nUsers} users × ${x.nItems} ${config.data.itemKind}s, ${x.userItems.length} interactions (${loaded.description})`);
    // Side features: item attributes and user profiles from the database through the feature specs
    // (fitted on the training rows), plus the item tag block.
    const items = await itemColumns(db, config.data, data.itemIds);
    const userAttrs = await getUserAttributes(db.db, { source: config.data.userSource });
    // An empty history: what serving knows about a user it has never seen play anything.
    const noHistory = (n: number) => ({ userPtr: new Int32Array(n + 1), userItems: new Int32Array(0), weights: new Float32Array(0), nItems: x.nItems });
    const users = userColumns(userAttrs, data.userIds, { userPtr: x.userPtr, userItems: x.userItems, weights: loaded.pairWeights, nItems: x.nItems }, items);
    const userSpec = fitFeatures(config.features.user, users, 'features.user');
    const itemSpec = fitFeatures(config.features.item, items.columns, 'features.item');
    // Entity features (e.g. artist, country): own sparse tables with an unknown row, summed into the tower.
    const entity = (spec: { name: string; column?: string | undefined; minCount: number }, cols: Columns, key: string): EntityFeature => {
      const col = cols[spec.column ?? spec.name];
      if (!col) throw new CliError('CONFIG_INVALID', `${key}: no column "${spec.column ?? spec.name}" (columns: ${Object.keys(cols).join(', ')}).`, { context: { key } });
      return encodeEntity(spec.name, Array.from(col as ArrayLike<unknown>, (v) => (v === null || v === undefined || v === '' ? null : String(v))), spec.minCount);
    };
    const userEntities = config.features.userEntities.map((e, k) => entity(e, users, `features.userEntities[${k}]`));
    const itemEntities = config.features.itemEntities.map((e, k) => entity(e, items.columns, `features.itemEntities[${k}]`));
    for (const e of [...userEntities, ...itemEntities]) log.info(`entity feature ${e.name}: ${e.cardinality} known values (+ unknown row)`);
    let tagVocabulary: string[] = [];
    const itemBlocks: FeatureMatrix[] = itemSpec ? [itemSpec.matrix] : [];
    if (config.data.itemTags) {
      const t = await tagFeatures(db, config.data.itemTags, config.data, data);
      itemBlocks.push(t.features);
      tagVocabulary = t.vocabulary;
      log.info(`item tag features: ${t.features.names.length} columns (top ${config.data.itemTags.top}, onlyTrainPairs ${config.data.itemTags.onlyTrainPairs})`);
    }
    const itemFeatures = itemBlocks.length > 0 ? concatFeatures(x.nItems, itemBlocks) : undefined;
    const userFeatures = userSpec?.matrix;
    if (userFeatures) log.info(`user features (${userFeatures.names.length}): ${userFeatures.names.slice(0, 12).join(', ')}${userFeatures.names.length > 12 ? ', …' : ''}`);
    if (itemSpec) log.info(`item features (${itemSpec.matrix.names.length}): ${itemSpec.matrix.names.slice(0, 12).join(', ')}${itemSpec.matrix.names.length > 12 ? ', …' : ''}`);
    // Cold-start users: their feature rows from demographics and an empty history (what serving knows
    // about a new user), saved with the held-out pairs for the evaluator.
    let coldUserFeatures: { userIds: string[]; names: string[]; values: number[]; entities: Record<string, (string | null)[]> } | undefined;
    if (loaded.heldOut && userSpec && loaded.heldOut.cold.users.length > 0) {
      const coldIds = [...new Set(loaded.heldOut.cold.users)];
      const cols = userColumns(userAttrs, coldIds, noHistory(coldIds.length), items);
      const t = userSpec.fitted.transform(cols);
      coldUserFeatures = { userIds: coldIds, names: [...t.featureNames], values: Array.from(t.matrix), entities: Object.fromEntries(config.features.userEntities.map((e) => [e.name, Array.from((cols[e.column ?? e.name] ?? []) as ArrayLike<unknown>, (v) => (v === null || v === undefined ? null : String(v)))])) };
    }
    // The same cold-start rows for every training user: a dropped user id (model.userIdDropout) trains
    // on them, so the unknown-id row learns from exactly what a new user is served with.
    let userColdFeatures: FeatureMatrix | undefined;
    if (userSpec && config.features.coldStartRows && config.model.userIdDropout > 0) {
      const cols = userColumns(userAttrs, data.userIds, noHistory(x.nUsers), items);
      userColdFeatures = { names: userSpec.matrix.names, values: userSpec.fitted.transform(cols).matrix };
    }
    const itemNames = items.columns['name'] ? Array.from(items.columns['name'] as ArrayLike<unknown>, (n) => (typeof n === 'string' ? n : '')) : undefined;
    const dim = config.model.dim;
    const selection0Config = twoTowerConfigSchema.parse(config.model);
    const artifactsOf = (weights: TwoTowerWeights, width: number, members: number, cfg: TwoTowerArtifacts['config'], historyPtr: Int32Array, historyItems: Int32Array, metadata: Record<string, unknown>): TwoTowerArtifacts => ({
      itemKind: config.data.itemKind,
      dim: width,
      ...(members > 1 ? { members } : {}),
      config: cfg,
      userIds: data.userIds,
      itemIds: data.itemIds,
      ...(itemNames ? { itemNames } : {}),
      userFeatureNames: userFeatures?.names ?? [],
      ...(userEntities.length > 0 ? { userEntities } : {}),
      ...(itemEntities.length > 0 ? { itemEntities } : {}),
      itemFeatureNames: itemFeatures?.names ?? [],
      weights,
      userFeatures: userFeatures?.values ?? new Float32Array(0),
      itemFeatures: itemFeatures?.values ?? new Float32Array(0),
      historyPtr,
      historyItems,
      metadata,
    });
    const { train, validation } = carveValidation(x, config.validation.fraction, config.validation.minItems, config.validation.seed);
    log.info(`validation carve-out: ${validation.userItems.length} pairs held out of ${x.userItems.length}`);
    const features = {
      ...(itemFeatures ? { itemFeatures } : {}),
      ...(userFeatures ? { userFeatures } : {}),
      ...(userColdFeatures ? { userColdFeatures } : {}),
      ...(userEntities.length > 0 ? { userEntities } : {}),
      ...(itemEntities.length > 0 ? { itemEntities } : {}),
    };
    const inputs = (side: 'user' | 'item') => ({ features: (side === 'user' ? userFeatures : itemFeatures)?.values ?? null, entityIds: (side === 'user' ? userEntities : itemEntities).map((e) => e.ids) });
    const selection = await fitTwoTower({ train, validation: { ptr: validation.userPtr, items: validation.userItems }, ...features }, config.model, {
      onEpoch: async (e) => {
        await ctx.recordEpoch(e.epoch, { loss: e.loss, val_ndcg10: e.valNdcg, val_recall20: e.valRecall, seconds: e.seconds });
        log.info(`epoch ${e.epoch}: loss ${e.loss.toFixed(4)} val NDCG@10 ${e.valNdcg.toFixed(4)} recall@20 ${e.valRecall.toFixed(4)} (${e.seconds.toFixed(1)} s, ${e.steps} steps)`);
      },
      onCheckpoint: (epoch, w) => {
        // Best-so-far weights on disk (atomic per file), so a killed run keeps its best epoch.
        saveTwoTower(join(ctx.runDir, 'checkpoint'), artifactsOf(w, dim, 1, selection0Config, train.userPtr, train.userItems, { epoch, note: 'best validation epoch so far (carve-out training part)' }));
        writeJsonAtomic(join(ctx.runDir, 'checkpoint.json'), { epoch, dir: 'checkpoint', note: 'best validation epoch so far; final weights are written at the end of the run' });
      },
    });
    log.info(`best validation epoch ${selection.bestEpoch}: NDCG@10 ${selection.bestValNdcg.toFixed(4)}`);
    let rankingSummary: Record<string, unknown> | null = null;
    if (config.ranking) {
      const rc = config.ranking;
      // Towers of the selection run (fitted on the carve-out's train part); the head learns from
      // part of the carve-out (pairs those towers never saw) and early-stops on the rest.
      const towers = {
        dim,
        userVectors: towerVectors(selection.weights, 'user', inputs('user'), train.nUsers, dim),
        itemVectors: towerVectors(selection.weights, 'item', inputs('item'), train.nItems, dim),
      };
      const parts = carveValidation(validation, 1 - rc.positivesShare, 2, config.validation.seed + 1);
      // Category → index with -1 for missing (the entity encoding, every value kept).
      const genre = encodeEntity('genre', items.genre, 1);
      const country = encodeEntity('country', users['country'] as (string | null)[], 1);
      const ages = users['age'] as ArrayLike<number>;
      const userAgeGroup = Int32Array.from({ length: x.nUsers }, (_, u) => (Number.isFinite(ages[u]) ? rc.ageGroups.filter((b) => ages[u]! >= b).length : -1));
      const years = Float32Array.from(items.columns['year'] as ArrayLike<number>);
      const known = (a: ArrayLike<number>): boolean => Array.prototype.some.call(a, (v: number) => v >= 0 && Number.isFinite(v));
      const compatibility = fitCompatibility({
        train,
        nUsers: x.nUsers,
        nItems: x.nItems,
        ...(known(items.audio.values) ? { itemAudio: items.audio.values, audioNames: items.audio.names } : {}),
        ...(genre.cardinality > 0 ? { itemGenre: genre.ids } : {}),
        ...(known(years) ? { itemYear: years } : {}),
        ...(known(userAgeGroup) ? { userAgeGroup } : {}),
        ...(country.cardinality > 0 ? { userCountry: country.ids } : {}),
      });
      log.info(`ranking stage: ${compatibility.names.length} compatibility features (${compatibility.names.slice(0, 8).join(', ')}${compatibility.names.length > 8 ? ', …' : ''}); ${parts.train.userItems.length} positives, ${parts.validation.userItems.length} validation pairs`);
      const head = await fitRanker(
        { train, positives: { ptr: parts.train.userPtr, items: parts.train.userItems }, validation: { ptr: parts.validation.userPtr, items: parts.validation.userItems }, towers, compatibility },
        rc.head,
        {
          onEpoch: async (e) => {
            await ctx.recordEpoch(3000 + e.epoch, { ranking_loss: e.loss, ranking_val_auc: e.valAuc, seconds: e.seconds });
            log.info(`ranking epoch ${e.epoch}: BCE ${e.loss.toFixed(4)} validation AUC ${e.valAuc.toFixed(4)} (${e.seconds.toFixed(1)} s)`);
          },
        },
      );
      rankingSummary = { bestEpoch: head.bestEpoch, valAuc: head.bestValAuc, baselineValAuc: head.baselineValAuc, examplesPerEpoch: head.examplesPerEpoch, topN: rc.topN, compatibility: compatibility.names };
      saveRanker(join(ctx.runDir, 'ranking'), head, { includeTowers: true, metadata: { ...rankingSummary, history: head.history } });
      log.info(`ranking head: validation AUC ${head.bestValAuc.toFixed(4)} vs u·v ${head.baselineValAuc?.dot.toFixed(4) ?? 'n/a'}, popularity ${head.baselineValAuc?.popularity.toFixed(4) ?? 'n/a'}`);
    }
    // Seed ensemble: members 2…ensemble trained on the carve-out's train part for the chosen epoch
    // count (member 1 is the selection run's best-epoch weights); the member count is the prefix
    // with the best validation NDCG@10 (a member is only added when it strictly improves it).
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
        const U = towerVectors(w, 'user', inputs('user'), train.nUsers, dim * m, m);
        const V = towerVectors(w, 'item', inputs('item'), train.nItems, dim * m, m);
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
    const finalWeights = members > 1 ? concatMemberWeights(finalMembers, dim) : finalMembers[0]!;
    saveTwoTower(
      ctx.runDir,
      artifactsOf(finalWeights, dim * members, members, { ...final.config, seed: config.model.seed }, x.userPtr, x.userItems, {
        tagVocabulary,
        interactions: { ...config.data.interactions, description: loaded.description },
        userSource: config.data.userSource,
        itemSource: config.data.itemSource,
        ensembleValidation,
        memberSeeds: finalMembers.map((_, k) => memberSeed(k)),
        ...(userSpec ? { userSpec: userSpec.fitted.toJSON() } : {}),
        ...(itemSpec ? { itemSpec: itemSpec.fitted.toJSON() } : {}),
      }),
    );
    if (loaded.heldOut) writeJsonAtomic(join(ctx.runDir, 'held-out.json'), { note: 'held-out pairs of this run (external ids): warm users\' test pairs and cold-start users\' pairs', ...loaded.heldOut, test: { ...loaded.heldOut.test, weights: Array.from(loaded.heldOut.test.weights) }, cold: { ...loaded.heldOut.cold, weights: Array.from(loaded.heldOut.cold.weights) }, ...(coldUserFeatures ? { coldUserFeatures } : {}) });
    const report = {
      selection: { bestEpoch: selection.bestEpoch, bestValNdcg: selection.bestValNdcg, history: selection.history },
      ensemble: { members, validation: ensembleValidation },
      ranking: rankingSummary,
      refit: config.refit ? { history: final.history } : null,
      secondsPerEpoch: final.secondsPerEpoch,
      stepsPerEpoch: final.stepsPerEpoch,
      backend: runtime.backend,
    };
    writeJsonAtomic(join(ctx.runDir, 'training-report.json'), report);
    return {
      metrics: { val_ndcg10: selection.bestValNdcg, ...(rankingSummary ? { ranking_val_auc: rankingSummary['valAuc'] as number } : {}), ...(ensembleValidation.length > 0 ? { ensemble_val_ndcg10: Math.max(...ensembleValidation.map((r) => r.valNdcg10)) } : {}), ensemble_members: members, best_epoch: selection.bestEpoch, seconds_per_epoch: final.secondsPerEpoch, steps_per_epoch: final.stepsPerEpoch },
      dataHash: createHash('sha256').update(data.userIds.join('\n')).update('\0').update(data.itemIds.join('\n')).update(Buffer.from(x.userItems.buffer, x.userItems.byteOffset, x.userItems.byteLength)).digest('hex').slice(0, 16),
      backend: runtime.backend,
    };
  },
});
