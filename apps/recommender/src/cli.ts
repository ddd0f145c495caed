import type { CommonArgs, Logger } from '@tunekit/cli-kit';
import { CAPABILITIES, type Capability, type RecommenderConfig } from './recommender.config';
import { RecommenderError } from './recommender.error';
import { checkK, similarTracks, trackListens, userRecommendations, type ApiContext, type RecommendationsAnswer } from './operations';
import { ServiceRegistry } from './services/service-registry';
import { databaseTrackSource } from './track-stats.source';

/** Options every CLI command gets. */
export interface CliCommandOptions {
  workspaceRoot: string;
  config: RecommenderConfig;
  configFile: string;
  args: CommonArgs;
  log: Logger;
  /** Where output goes (default stdout). */
  print?: (line: string) => void;
}

/** Loads only the one service a command needs (the others are left unconfigured). */
async function contextFor(capability: Capability, o: CliCommandOptions): Promise<ApiContext & { close(): Promise<void> }> {
  const services = Object.fromEntries(CAPABILITIES.map((c) => [c, c === capability ? o.config.services[c] : null])) as RecommenderConfig['services'];
  const config = { ...o.config, services };
  const registry = new ServiceRegistry(config, { workspaceRoot: o.workspaceRoot, configFile: o.configFile, log: o.log });
  await registry.loadAll();
  const tracks = databaseTrackSource(config.database, o.workspaceRoot);
  return {
    registry,
    tracks,
    config,
    close: async () => {
      registry.dispose();
      await tracks.close();
    },
  };
}

function flag(args: CommonArgs, names: string[], what: string): string {
  for (const n of names) {
    const v = args.extra[n];
    if (typeof v === 'string' && v !== '') return v;
  }
  throw new RecommenderError('BAD_REQUEST', `--${names[0]} <${what}> is required`, { context: { field: `--${names[0]}` } });
}

function intFlag(args: CommonArgs, names: string[], what: string): number {
  const raw = flag(args, names, what);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new RecommenderError('BAD_REQUEST', `--${names[0]} must be a non-negative integer, got "${raw}"`, { context: { field: `--${names[0]}` } });
  return n;
}

function kFlag(o: CliCommandOptions): number {
  const raw = o.args.extra['k'];
  return checkK(raw === undefined ? 10 : Number(raw), o.config.maxK, '--k');
}

function printRecommendations(answer: RecommendationsAnswer, print: (line: string) => void): void {
  print(`Top ${answer.items.length} for user ${answer.userId ?? '(cold start)'} — ${answer.model.family} ${answer.model.model} (${answer.model.runDir})`);
  answer.items.forEach((r, i) => {
    const because = r.explanation.similarItems.map((s) => `${s.itemId} (${s.similarity.toFixed(2)})`).join(', ');
    const features = r.explanation.features.map((f) => `${f.side}:${f.name} +${f.contribution.toFixed(3)}`).join(', ');
    print(`${String(i + 1).padStart(3)}. ${r.itemId}${r.name ? ` ${r.name}` : ''}  score ${r.score.toFixed(4)}`);
    if (because) print(`       because you played: ${because}`);
    if (features) print(`       strongest terms: ${features}`);
  });
}

/**
 * `recommend --user <id> [--k 10] [--json] [--include-history]`: the same code path as
 * GET /users/:id/recommendations, printed as a list with explanations.
 * @throws RecommenderError `NOT_FOUND`, `BAD_REQUEST`, `MODEL_UNAVAILABLE`
 */
export async function recommendCommand(o: CliCommandOptions): Promise<RecommendationsAnswer> {
  const print = o.print ?? ((l: string) => process.stdout.write(l + '\n'));
  const user = flag(o.args, ['user', 'user-id'], 'user id');
  const k = kFlag(o);
  const ctx = await contextFor('recommendations', o);
  try {
    const answer = userRecommendations(ctx, user, k, o.args.extra['include-history'] !== true);
    if (o.args.extra['json'] === true) print(JSON.stringify(answer, null, 2));
    else printRecommendations(answer, print);
    return answer;
  } finally {
    await ctx.close();
  }
}

/**
 * `similar --track-id <id> [--k 10] [--json]`: as GET /tracks/:id/similar.
 * @throws RecommenderError `NOT_FOUND`, `BAD_REQUEST`, `MODEL_UNAVAILABLE`
 */
export async function similarCommand(o: CliCommandOptions): Promise<ReturnType<typeof similarTracks>> {
  const print = o.print ?? ((l: string) => process.stdout.write(l + '\n'));
  const id = intFlag(o.args, ['track-id', 'track'], 'track id');
  const k = kFlag(o);
  const ctx = await contextFor('similar-tracks', o);
  try {
    const answer = similarTracks(ctx, id, k);
    if (o.args.extra['json'] === true) print(JSON.stringify(answer, null, 2));
    else {
      print(`Tracks most like ${id} — ${answer.model.model} (${answer.model.runDir})`);
      answer.items.forEach((t, i) => print(`${String(i + 1).padStart(3)}. track ${t.trackId}  cosine ${t.score.toFixed(4)}`));
    }
    return answer;
  } finally {
    await ctx.close();
  }
}

/**
 * `predict-listens --track-id <id> [--json]`: reads the track's statistics from the database,
 * applies the saved preprocessing and prints the predicted listens (as GET /tracks/:id/listens).
 * @throws RecommenderError `NOT_FOUND` naming the id, `UNPROCESSABLE` naming the missing field,
 *   `MODEL_UNAVAILABLE`, `DATABASE_UNAVAILABLE`
 */
export async function predictListensCommand(o: CliCommandOptions): Promise<Awaited<ReturnType<typeof trackListens>>> {
  const print = o.print ?? ((l: string) => process.stdout.write(l + '\n'));
  const id = intFlag(o.args, ['track-id', 'track'], 'track id');
  const ctx = await contextFor('listens', o);
  try {
    const answer = await trackListens(ctx, id);
    const p = answer.predictions[0]!;
    if (o.args.extra['json'] === true) print(JSON.stringify(answer, null, 2));
    else print(`track ${id}: predicted listens ${Math.round(p.listens)}${p.actual !== null && p.actual !== undefined ? `, stored ${p.actual}` : ''} — ${answer.model.model} (${answer.model.runDir})`);
    return answer;
  } finally {
    await ctx.close();
  }
}
