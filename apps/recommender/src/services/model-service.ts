import type { ClusterAssignments, ListensInputRow, Recommendation, SimilarTrack } from '@tunekit/models';
import type { Capability } from '../recommender.config';

/** What every loaded model service reports about itself (GET /ready, logs). */
export interface ServiceInfo {
  family: string;
  model: string;
  /** The resolved run directory (symlinks followed). */
  runDir: string;
  /** Family-specific facts: catalogue size, feature names, index kind, ... */
  details: Record<string, unknown>;
}

/** Backs GET /users/:id/recommendations and POST /recommendations. */
export interface RecommendationService extends ServiceInfo {
  readonly capability: 'recommendations';
  /** True when the model was trained with this user. */
  hasUser(userId: string): boolean;
  /** The user-feature names a cold-start request may use. */
  readonly userFeatureNames: readonly string[];
  /** The item ids of the catalogue (to validate `exclude`). */
  readonly itemCount: number;
  /** Top-k for a known user (history excluded unless `excludeHistory` is false). */
  forUser(userId: string, k: number, options: { excludeHistory: boolean; exclude: readonly string[] }): Recommendation[];
  /** Top-k for a cold-start user described by features only. */
  forFeatures(features: Readonly<Record<string, number>>, k: number, exclude: readonly string[]): Recommendation[];
}

/** Backs GET /tracks/:id/similar. */
export interface SimilarTracksService extends ServiceInfo {
  readonly capability: 'similar-tracks';
  hasTrack(trackId: number): boolean;
  similar(trackId: number, k: number): SimilarTrack[];
}

/** Backs GET /tracks/:id/listens and POST /predict/listens. */
export interface ListensService extends ServiceInfo {
  readonly capability: 'listens';
  /** Track columns the preprocessing reads. */
  readonly inputColumns: readonly string[];
  /**
   * Predicted listens per row.
   * @throws ModelsError `INVALID_INPUT` naming the row id and field when a required value is missing
   */
  predict(rows: readonly ListensInputRow[]): { listens: number[] };
}

/** Backs POST /api/clusters. */
export interface ClustersService extends ServiceInfo {
  readonly capability: 'clusters';
  /** @throws ModelsError `INVALID_INPUT` with `context.field` (`tracks[2].popularity`) */
  assign(tracks: unknown): ClusterAssignments;
}

/** A loaded model service, discriminated by the endpoint group it backs. */
export type ModelService = RecommendationService | SimilarTracksService | ListensService | ClustersService;

/** Maps a capability to its service type. */
export interface ServiceOf {
  recommendations: RecommendationService;
  'similar-tracks': SimilarTracksService;
  listens: ListensService;
  clusters: ClustersService;
}

/**
 * One model family as the recommender sees it: which endpoint group it backs, how to load a run
 * directory, and which trainer command produces one. Registered in MODEL_FAMILIES.
 */
export interface ModelFamily<C extends Capability = Capability> {
  readonly family: string;
  readonly capability: C;
  /**
   * Loads a run directory written by the trainer.
   * @throws ModelsError `ARTIFACT_NOT_FOUND` / `ARTIFACT_CORRUPT`
   */
  load(runDir: string, ref: { model: string }): Promise<ServiceOf[C]>;
  /** Releases native or tensor memory, when the service holds any. */
  dispose?(service: ServiceOf[C]): void;
}

/** Helper giving a family literal its precise type. */
export function defineModelFamily<C extends Capability>(family: ModelFamily<C>): ModelFamily<C> {
  return family;
}
