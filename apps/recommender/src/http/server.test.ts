import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '@tunekit/runtime';
import { parseAppArgs } from '@tunekit/cli-kit';
import { recommenderConfigSchema, type RecommenderConfig } from '../recommender.config';
import { makeTrackDatabase, trainTinyRuns, type TinyRuns } from '../testing/tiny-runs';
import { predictListensCommand, recommendCommand, similarCommand } from '../cli';
import { startServer, type RecommenderServer } from './server';

let root: string;
let runs: TinyRuns;
let dbUrl: string;
let tracks: Awaited<ReturnType<typeof makeTrackDatabase>>;
let server: RecommenderServer;

function configFor(overrides: Partial<RecommenderConfig> = {}): RecommenderConfig {
  return recommenderConfigSchema.parse({
    port: 0,
    logLevel: 'silent',
    bodyLimit: 8192,
    maxK: 50,
    modelsRoot: join(root, 'models'),
    database: dbUrl,
    services: {
      recommendations: { family: 'two-tower', model: 'tt' },
      'similar-tracks': { family: 'content-embedding', model: 'ce' },
      listens: { family: 'listens', model: 'ls' },
      clusters: { family: 'metadata-audio', model: 'ma' },
    },
    ...overrides,
  });
}

async function call(path: string, init: { method?: string; body?: unknown; raw?: string } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    ...(init.body !== undefined || init.raw !== undefined ? { headers: { 'content-type': 'application/json' }, body: init.raw ?? JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as Record<string, unknown>) : { text } };
}

beforeAll(async () => {
  await initRuntime({ backend: 'cpu', log: false });
  root = mkdtempSync(join(tmpdir(), 'tunekit-recommender-'));
  dbUrl = `pglite:${join(root, 'db')}`;
  runs = await trainTinyRuns(join(root, 'models'));
  tracks = await makeTrackDatabase(dbUrl);
  server = await startServer(configFor(), { workspaceRoot: root });
  await server.loaded;
});

afterAll(async () => {
  await server?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('recommender HTTP API (real server on 127.0.0.1, real tiny runs)', () => {
  it('binds 127.0.0.1 on a random port, is live and ready with every service loaded', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await call('/health')).body['status']).toBe('ok');
    const ready = await call('/ready');
    expect(ready.status).toBe(200);
    const services = ready.body['services'] as Record<string, { status: string; runDir: string }>;
    expect(Object.values(services).map((s) => s.status)).toEqual(['ready', 'ready', 'ready', 'ready']);
    expect(services['listens']!.runDir).toContain(runs.runId);
  });

  it('serves an OpenAPI document and an HTML page at /docs listing every endpoint', async () => {
    const doc = (await call('/docs/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths).flatMap(([p, m]) => Object.keys(m).map((k) => `${k.toUpperCase()} ${p}`));
    expect(ops.sort()).toEqual(
      ['GET /users/{id}/recommendations', 'POST /recommendations', 'GET /tracks/{id}/similar', 'GET /tracks/{id}/listens', 'POST /predict/listens', 'POST /api/clusters', 'GET /health', 'GET /ready'].sort(),
    );
    const html = (await call('/docs')).body['text'] as string;
    expect(html).toContain('/users/{id}/recommendations');
    expect(html).toContain('/api/clusters');
  });

  it('GET /users/:id/recommendations: k items with explanations, history excluded, mostly from the planted group', async () => {
    let inGroup = 0;
    for (const u of runs.users.slice(0, 8)) {
      const { status, body } = await call(`/users/${u}/recommendations?k=10`);
      expect(status).toBe(200);
      const items = body['items'] as { itemId: string; score: number; explanation: { similarItems: { itemId: string }[]; features: unknown[] } }[];
      expect(items).toHaveLength(10);
      expect(items[0]!.score).toBeGreaterThanOrEqual(items[9]!.score);
      const history = runs.historyOf(u);
      expect(items.filter((i) => history.has(i.itemId))).toEqual([]);
      // explanations point at the user's own history
      expect(items[0]!.explanation.similarItems.length).toBeGreaterThan(0);
      expect(items[0]!.explanation.similarItems.every((s) => history.has(s.itemId))).toBe(true);
      // with history allowed, the top 5 should be the planted group (chance: 25 %)
      const all = (await call(`/users/${u}/recommendations?k=5&excludeHistory=false`)).body['items'] as { itemId: string }[];
      inGroup += all.filter((i) => runs.itemGroup(i.itemId) === runs.userGroup(u)).length;
    }
    expect(inGroup / 40).toBeGreaterThan(0.5);
  });

  it('400 names the field, 404 for an unknown user', async () => {
    const zero = await call('/users/u1/recommendations?k=0');
    expect(zero.status).toBe(400);
    expect(zero.body['field']).toBe('query.k');
    expect((await call('/users/u1/recommendations?k=51')).body['field']).toBe('query.k');
    expect((await call('/users/u1/recommendations?k=ten')).body['field']).toBe('query.k');
    expect((await call('/users/u1/recommendations?kk=3')).body['field']).toBe('query.kk');
    const unknown = await call('/users/nobody/recommendations');
    expect(unknown.status).toBe(404);
    expect(unknown.body['message']).toContain('"nobody"');
  });

  it('POST /recommendations serves a cold-start user from features; unknown feature and missing body fields are 400 with the field', async () => {
    const g2 = await call('/recommendations', { body: { features: { 'group=g2': 1 }, k: 4 } });
    expect(g2.status).toBe(200);
    const items = g2.body['items'] as { itemId: string }[];
    expect(items).toHaveLength(4);
    expect(items.filter((i) => runs.itemGroup(i.itemId) === 2).length).toBeGreaterThanOrEqual(2);
    const bad = await call('/recommendations', { body: { features: { 'group=zz': 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body['field']).toBe('body.features.group=zz');
    expect((await call('/recommendations', { body: { k: 3 } })).body['field']).toBe('body.features');
    expect((await call('/recommendations', { body: { features: { 'group=g1': 'yes' } } })).body['field']).toBe('body.features.group=g1');
    const notJson = await call('/recommendations', { raw: '{"features": ' });
    expect(notJson.status).toBe(400);
  });

  it('GET /tracks/:id/similar: k neighbours without the track itself, same label first; 404 / 400', async () => {
    const id = runs.trackIds[0]!;
    const { status, body } = await call(`/tracks/${id}/similar?k=5`);
    expect(status).toBe(200);
    const items = body['items'] as { trackId: number; score: number }[];
    expect(items).toHaveLength(5);
    expect(items.map((i) => i.trackId)).not.toContain(id);
    expect((await call('/tracks/99999/similar')).status).toBe(404);
    const bad = await call('/tracks/abc/similar');
    expect(bad.status).toBe(400);
    expect(bad.body['field']).toBe('params.id');
  });

  it('GET /tracks/:id/listens reads the track from the database; unknown id 404, missing required field 422 naming it', async () => {
    const ok = await call(`/tracks/${tracks.complete}/listens`);
    expect(ok.status).toBe(200);
    const p = (ok.body['predictions'] as { listens: number; actual: number }[])[0]!;
    expect(p.actual).toBe(200);
    // planted listens ≈ 20·favorites = 200: the tiny model must land in the right order of magnitude
    expect(p.listens).toBeGreaterThan(60);
    expect(p.listens).toBeLessThan(700);
    const missing = await call(`/tracks/${tracks.missingFavorites}/listens`);
    expect(missing.status).toBe(422);
    expect(missing.body['field']).toBe('track.favorites');
    const unknown = await call('/tracks/424242/listens');
    expect(unknown.status).toBe(404);
    expect(unknown.body['message']).toContain('424242');
  });

  it('POST /predict/listens: one prediction per row; a missing or mistyped field is 400 naming it', async () => {
    const ok = await call('/predict/listens', { body: { tracks: [{ id: 'a', favorites: 1, interest: 50 }, { id: 'b', favorites: 15, interest: 750 }] } });
    expect(ok.status).toBe(200);
    const preds = ok.body['predictions'] as { id: string; listens: number }[];
    expect(preds.map((x) => x.id)).toEqual(['a', 'b']);
    expect(preds[1]!.listens).toBeGreaterThan(preds[0]!.listens);
    const missing = await call('/predict/listens', { body: { tracks: [{ id: 'a', favorites: 1 }, { id: 'b', favorites: null }] } });
    expect(missing.status).toBe(400);
    expect(missing.body['field']).toBe('body.tracks[1].favorites');
    const typo = await call('/predict/listens', { body: { tracks: [{ favourites: 1 }] } });
    expect(typo.body['field']).toBe('body.tracks[0].favourites');
    expect((await call('/predict/listens', { body: { tracks: [{ favorites: 'many' }] } })).body['field']).toBe('body.tracks[0].favorites');
    expect((await call('/predict/listens', { body: { tracks: [] } })).body['field']).toBe('body.tracks');
  });

  it('POST /api/clusters: lookup for known tracks, prediction for new ones; bad fields named', async () => {
    const known = runs.knownClusterIds[0]!;
    const { status, body } = await call('/api/clusters', { body: { tracks: [{ id: known, artists: ['artist0'] }, { id: 'new', artists: ['someone'], genres: ['metal'], popularity: 40 }] } });
    expect(status).toBe(200);
    const results = body['results'] as { id: string; cluster: number; source: string }[];
    expect(results.map((r) => r.source)).toEqual(['lookup', 'prediction']);
    expect(results.every((r) => Number.isInteger(r.cluster) && r.cluster >= 0 && r.cluster < 2)).toBe(true);
    expect((body['coverage'] as { pct: number }).pct).toBe(100);
    const bad = await call('/api/clusters', { body: { tracks: [{ id: 'x', artists: ['a'], popularity: 150 }] } });
    expect(bad.status).toBe(400);
    expect(bad.body['field']).toBe('body.tracks[0].popularity');
    expect((await call('/api/clusters', { body: { tracks: [{ id: 'x' }] } })).body['field']).toBe('body.tracks[0].artists');
  });

  it('413 for a body over the limit, 404 JSON for an unknown route', async () => {
    const big = { tracks: Array.from({ length: 400 }, (_, i) => ({ id: `t${i}`, favorites: i, interest: 10 * i })) };
    expect(JSON.stringify(big).length).toBeGreaterThan(8192);
    const res = await call('/predict/listens', { body: big });
    expect(res.status).toBe(413);
    expect(res.body['error']).toBe('PAYLOAD_TOO_LARGE');
    const nowhere = await call('/nowhere');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body['message']).toContain('/docs');
  });
});

describe('unconfigured and untrained models answer 503 naming the trainer command', () => {
  it('503 with the command, /ready explains each group', async () => {
    const other = await startServer(configFor({ services: { recommendations: { family: 'two-tower', model: 'never-trained', run: 'latest' }, 'similar-tracks': null, listens: null, clusters: null } }), { workspaceRoot: root });
    try {
      await other.loaded;
      const res = await fetch(`${other.url}/users/u1/recommendations`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { message: string; command: string };
      expect(body.command).toBe('nx run trainer:train --configuration=never-trained');
      expect(body.message).toContain('never-trained');
      const similar = (await (await fetch(`${other.url}/tracks/1/similar`)).json()) as { statusCode: number; message: string };
      expect(similar.statusCode).toBe(503);
      expect(similar.message).toContain('services.similar-tracks');
      const ready = (await (await fetch(`${other.url}/ready`)).json()) as { services: Record<string, { status: string }> };
      expect(ready.services['recommendations']!.status).toBe('unavailable');
    } finally {
      await other.close();
    }
  });

  it('loads a named run, and explains a missing one by listing the runs there are', async () => {
    const other = await startServer(
      configFor({ services: { recommendations: null, 'similar-tracks': { family: 'content-embedding', model: 'ce', run: runs.runId }, listens: null, clusters: { family: 'metadata-audio', model: 'ma', run: '20200101T000000Z-gone' } } }),
      { workspaceRoot: root },
    );
    try {
      await other.loaded;
      const ready = (await (await fetch(`${other.url}/ready`)).json()) as { services: Record<string, { status: string; runDir?: string; reason?: string }> };
      expect(ready.services['similar-tracks']!.status).toBe('ready');
      expect(ready.services['similar-tracks']!.runDir).toMatch(new RegExp(`${runs.runId}$`));
      expect(ready.services['clusters']!.reason).toContain(`run "20200101T000000Z-gone" of model "ma" does not exist`);
      expect(ready.services['clusters']!.reason).toContain(runs.runId);
      expect((await fetch(`${other.url}/tracks/${runs.trackIds[0]}/similar?k=2`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('rejects a family serving the wrong endpoint group at start, naming the key', async () => {
    await expect(startServer(configFor({ services: { recommendations: { family: 'listens', model: 'ls', run: 'latest' }, 'similar-tracks': null, listens: null, clusters: null } }), { workspaceRoot: root })).rejects.toThrow(
      /services\.recommendations\.family: family "listens" serves listens/,
    );
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new connections', async () => {
    const s = await startServer(configFor({ shutdownTimeoutMs: 30_000 }), { workspaceRoot: root });
    await s.loaded;
    // GET /tracks/:id/listens opens the embedded database on first use: these requests are
    // genuinely in flight (awaiting I/O) when the shutdown starts.
    let received = 0;
    s.app.server.on('request', () => (received += 1));
    const inflight = Array.from({ length: 8 }, () => fetch(`${s.url}/tracks/${tracks.complete}/listens`).then((r) => r.status));
    while (received < 8) await new Promise((r) => setTimeout(r, 2));
    const t0 = performance.now();
    await s.close();
    // it waited for the requests, not for the 30 s timeout that force-closes sockets
    expect(performance.now() - t0).toBeLessThan(25_000);
    expect(await Promise.all(inflight)).toEqual(Array(8).fill(200));
    await expect(fetch(`${s.url}/health`)).rejects.toThrow();
    await s.close(); // idempotent
  });
});

describe('CLI over the same code', () => {
  const opts = (argv: string[], lines: string[]) => ({ workspaceRoot: root, config: configFor(), configFile: 'test.yaml', args: parseAppArgs(argv), log: { debug() {}, info() {}, warn() {}, error() {}, child() { return this; } }, print: (l: string) => lines.push(l) });

  it('recommend --user u3 --k 4 prints the list with explanations', async () => {
    const lines: string[] = [];
    const answer = await recommendCommand(opts(['--user', 'u3', '--k', '4'], lines));
    expect(answer.items).toHaveLength(4);
    expect(lines[0]).toContain('Top 4 for user u3');
    expect(lines.some((l) => l.includes('because you played'))).toBe(true);
    await expect(recommendCommand(opts(['--user', 'ghost'], []))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(recommendCommand(opts(['--user', 'u3', '--k', '0'], []))).rejects.toMatchObject({ code: 'BAD_REQUEST', context: { field: '--k' } });
  });

  it('similar --track-id prints neighbours; an unknown track is NOT_FOUND', async () => {
    const lines: string[] = [];
    const answer = await similarCommand(opts(['--track-id', String(runs.trackIds[1]), '--k', '3'], lines));
    expect(answer.items).toHaveLength(3);
    expect(lines).toHaveLength(4);
    await expect(similarCommand(opts(['--track-id', '5'], []))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(similarCommand(opts(['--track-id', 'x'], []))).rejects.toMatchObject({ code: 'BAD_REQUEST', context: { field: '--track-id' } });
  });

  it('predict-listens --track-id reads the database and names an unknown id or a missing field', async () => {
    const lines: string[] = [];
    await predictListensCommand(opts(['--track-id', String(tracks.complete)], lines));
    expect(lines[0]).toMatch(new RegExp(`^track ${tracks.complete}: predicted listens \\d+, stored 200`));
    await expect(predictListensCommand(opts(['--track-id', '999999'], []))).rejects.toThrow(/track 999999 is not in the database/);
    await expect(predictListensCommand(opts(['--track-id', String(tracks.missingFavorites)], []))).rejects.toThrow(/favorites/);
  });
});

describe('the app process (main.ts serve)', () => {
  it('starts from a YAML config, logs JSON lines with levels, and exits 0 on SIGTERM', async () => {
    const configFile = join(root, 'serve.yaml');
    writeFileSync(configFile, [`host: 127.0.0.1`, `port: 0`, `logLevel: info`, `modelsRoot: ${join(root, 'models')}`, `services:`, `  listens: { family: listens, model: ls }`, ''].join('\n'));
    const main = join(dirname(fileURLToPath(import.meta.url)), '../main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--config', configFile], { env: { ...process.env, PORT: '', TUNEKIT_LOG_JSON: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const started = Date.now();
      let url: string | undefined;
      while (!url && Date.now() - started < 90_000) {
        url = /listening on (http:\/\/[\d.:]+)/.exec(err)?.[1];
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(url, err).toBeDefined();
      for (;;) {
        if (await fetch(`${url}/ready`).then((r) => r.status === 200, () => false)) break;
        expect(Date.now() - started, 'not ready within 90 s').toBeLessThan(90_000);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await fetch(`${url}/predict/listens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tracks":[{"favorites":3}]}' })).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // request log: JSON lines with a numeric level (pino) on stdout; app log: JSON lines on stderr
      const requestLines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string });
      expect(requestLines.some((l) => l.level === 30 && l.msg === 'request completed')).toBe(true);
      const appLines = err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; msg: string });
      expect(appLines.map((l) => l.msg)).toEqual(expect.arrayContaining(['SIGTERM: shutting down (waiting for in-flight requests)', 'stopped']));
    } finally {
      child.kill('SIGKILL');
    }
  });
});
