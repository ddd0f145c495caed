/**
 * `@tunekit/recommender`: the HTTP API and CLI over trained tunekit runs. Exported for tests and
 * for embedding the API in another process; the app itself starts from `main.ts`.
 */
export { recommenderConfigSchema, serviceRefSchema, CAPABILITIES } from './recommender.config';
export type { RecommenderConfig, ServiceRef, Capability } from './recommender.config';
export { RecommenderError, HTTP_STATUS_OF } from './recommender.error';
export type { RecommenderErrorCode } from './recommender.error';
export { loadRecommenderConfig, DEFAULT_CONFIGURATION } from './load-config';
export { MODEL_FAMILIES } from './services/model-families';
export { defineModelFamily } from './services/model-service';
export type { ModelFamily, ModelService, ServiceInfo, ServiceOf, RecommendationService, SimilarTracksService, ListensService, ClustersService } from './services/model-service';
export { ServiceRegistry, validateServiceRefs } from './services/service-registry';
export type { ServiceState, ServiceStatus } from './services/service-registry';
export { databaseTrackSource } from './track-stats.source';
export type { TrackStatsSource, StoredTrackStats } from './track-stats.source';
export { checkK, userRecommendations, coldStartRecommendations, similarTracks, trackListens, predictListensRows, clusterTracks } from './operations';
export type { ApiContext, ModelRef, RecommendationsAnswer, ListensAnswer } from './operations';
export { apiRoutes } from './http/routes';
export type { ApiRoute, ApiRequest } from './http/routes';
export { openApiDocument, openApiHtml } from './http/openapi';
export type { OpenApiDocument } from './http/openapi';
export { buildApp, startServer, errorBody } from './http/server';
export type { RecommenderServer, ErrorBody } from './http/server';
export { recommendCommand, similarCommand, predictListensCommand } from './cli';
export type { CliCommandOptions } from './cli';
