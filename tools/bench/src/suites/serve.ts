/**
 * `npm run bench -- serve [--items 100000] [--users 10000] [--dim 64] [--k 10] [--connections 8]
 *  [--amount 3000] [--seconds 60] [--keep]`
 *
 * Load benchmark of the recommender HTTP API (apps/recommender) against 127.0.0.1:
 *   1. builds two-tower serving artifacts for a catalogue of `--items` items (default 100k) and
 *      `--users` users: seeded random id tables and user-feature projections (dim 64), 20 history
 *      items per user, 16 one-hot user features — the exact files `saveTwoTower` writes and the
 *      server's real scoring path reads (full-catalogue dot products, history masking, top-k,
 *      explanations); only the weights are not trained, which does not change the cost;
 *   2. starts the server as its own process (`main.ts serve`, port 0, log level warn) and waits for /ready;
 *   3. runs autocannon for each scenario — GET /users/:id/recommendations?k= over seeded random
 *      users, and POST /recommendations (cold start from features) — bounded by `--amount`
 *      requests AND `--seconds` wall seconds, whichever comes first — with `--connections`
 *      concurrent connections, then the GET again with one connection (service time, no queueing);
 *   4. measures the same `recommend()` call in-process (no HTTP) for the overhead split;
 *   5. stops the server with SIGTERM (graceful shutdown must exit 0).
 * Writes artifacts/bench/serve.json; exits non-zero when any request failed or was not 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@tunekit/core';
import { loadTwoTower, recommend, saveTwoTower, twoTowerConfigSchema } from '@tunekit/models';
import { WORKSPACE_ROOT, percentile, writeBenchResult } from '../report';

/** The parts of autocannon's API used here (the package ships no types). */
interface AutocannonResult {
  requests: { average: number; mean: number; total: number; sent: number };
  latency: { p50: number; p90: number; p99: number; mean: number; max: number; min: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  '2xx': number;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonInstance {
  stop(): void;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer, got ${args[i + 1]}`);
  return v;
}

/** Writes a two-tower run with seeded random weights at `dir`; returns user ids and feature names. */
function buildCatalogue(dir: string, o: { items: number; users: number; dim: number; features: number; history: number }, rng: Rng): { userIds: string[]; featureNames: string[] } {
  const uniform = (n: number, scale: number): Float32Array => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (rng.next() * 2 - 1) * scale;
    return a;
  };
  const userIds = Array.from({ length: o.users }, (_, u) => String(u + 1));
  const featureNames = Array.from({ length: o.features }, (_, f) => `country=c${f}`);
  const userFeatures = new Float32Array(o.users * o.features);
  for (let u = 0; u < o.users; u++) userFeatures[u * o.features + rng.int(o.features)] = 1;
  const historyPtr = new Int32Array(o.users + 1);
  const historyItems = new Int32Array(o.users * o.history);
  for (let u = 0; u < o.users; u++) {
    const seen = new Set<number>();
    while (seen.size < o.history) seen.add(rng.int(o.items));
    historyItems.set([...seen].sort((a, b) => a - b), u * o.history);
    historyPtr[u + 1] = (u + 1) * o.history;
  }
  saveTwoTower(dir, {
    itemKind: 'track',
    dim: o.dim,
    config: twoTowerConfigSchema.parse({ dim: o.dim }),
    userIds,
    itemIds: Array.from({ length: o.items }, (_, i) => String(i + 1)),
    userFeatureNames: featureNames,
    itemFeatureNames: [],
    weights: {
      userTable: uniform((o.users + 1) * o.dim, 0.05),
      itemTable: uniform((o.items + 1) * o.dim, 0.05),
      userProj: uniform(o.features * o.dim, 0.05),
      itemProj: new Float32Array(0),
    },
    userFeatures,
    itemFeatures: new Float32Array(0),
    historyPtr,
    historyItems,
  });
  return { userIds, featureNames };
}

async function startServer(configFile: string): Promise<{ child: ChildProcess; url: string; log: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(WORKSPACE_ROOT, 'apps/recommender/src/main.ts'), 'serve', '--config', configFile], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, TUNEKIT_LOG_JSON: '0', PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 120 s:\n${log.join('')}`)), 120_000);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString();
      log.push(text);
      const m = /listening on (http:\/\/[\d.:]+)/.exec(log.join(''));
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${log.join('')}`));
    });
  });
  const t0 = Date.now();
  for (;;) {
    const res = await fetch(`${url}/ready`).catch(() => null);
    const body = res ? ((await res.json()) as { services?: { recommendations?: { status: string; reason?: string } } }) : null;
    const s = body?.services?.recommendations;
    if (s?.status === 'ready') break;
    if (s?.status === 'unavailable') throw new Error(`recommendations unavailable: ${s.reason}`);
    if (Date.now() - t0 > 120_000) throw new Error('the model did not load within 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url, log };
}

function load(url: string, request: AutocannonRequest, o: { connections: number; amount: number; seconds: number }): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections: o.connections, pipelining: 1, amount: o.amount, timeout: 30, requests: [request] }, (err, result) => {
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(result);
    });
    // amount bounds the count; this bounds the time
    const timer = setTimeout(() => instance.stop(), o.seconds * 1000);
  });
}

function summary(r: AutocannonResult): Record<string, number> {
  return {
    requests: r.requests.total,
    ok_2xx: r['2xx'],
    errors: r.errors,
    timeouts: r.timeouts,
    non_2xx: r.non2xx,
    seconds: r.duration,
    throughput_rps: Math.round((r['2xx'] / Math.max(r.duration, 1e-9)) * 10) / 10,
    latency_p50_ms: r.latency.p50,
    latency_p90_ms: r.latency.p90,
    latency_p99_ms: r.latency.p99,
    latency_max_ms: r.latency.max,
    latency_mean_ms: r.latency.mean,
  };
}

export async function run(args: string[]): Promise<void> {
  const o = {
    items: flag(args, 'items', 100_000),
    users: flag(args, 'users', 10_000),
    dim: flag(args, 'dim', 64),
    k: flag(args, 'k', 10),
    features: 16,
    history: 20,
    connections: flag(args, 'connections', 8),
    amount: flag(args, 'amount', 3000),
    seconds: flag(args, 'seconds', 60),
  };
  const rng = new Rng(42);
  const root = mkdtempSync(join(tmpdir(), 'tunekit-bench-serve-'));
  const runDir = join(root, 'models', 'bench-two-tower', 'run');
  mkdirSync(runDir, { recursive: true });
  const t0 = performance.now();
  const { userIds, featureNames } = buildCatalogue(runDir, o, rng);
  const { symlinkSync } = await import('node:fs');
  symlinkSync('run', join(root, 'models', 'bench-two-tower', 'latest'));
  const buildSeconds = (performance.now() - t0) / 1000;
  console.log(`catalogue: ${o.items} items × dim ${o.dim}, ${o.users} users (${buildSeconds.toFixed(1)} s to build)`);

  // In-process cost of the same scoring call, no HTTP.
  const artifacts = loadTwoTower(runDir);
  recommend(artifacts, { userId: '1' }, o.k);
  const direct: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 200; i++) {
    const u = userIds[rng.int(userIds.length)] as string;
    const s = performance.now();
    recommend(artifacts, { userId: u }, o.k);
    direct.push(performance.now() - s);
  }
  const cpu = process.cpuUsage(cpu0);
  // CPU time per call is what an idle core would need: on a shared machine wall time mostly
  // measures the other processes (load average is in machine.load_avg).
  const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / direct.length;
  const inProcess = {
    calls: direct.length,
    p50_ms: percentile(direct, 50),
    p99_ms: percentile(direct, 99),
    mean_ms: direct.reduce((a, b) => a + b, 0) / direct.length,
    cpu_ms_per_call: cpuMsPerCall,
    one_core_ceiling_rps: 1000 / cpuMsPerCall,
  };
  console.log(`in-process recommend(): p50 ${inProcess.p50_ms.toFixed(2)} ms, p99 ${inProcess.p99_ms.toFixed(2)} ms wall; ${cpuMsPerCall.toFixed(2)} ms CPU per call (≤ ${inProcess.one_core_ceiling_rps.toFixed(0)} req/s per idle core)`);

  const configFile = join(root, 'serve.yaml');
  writeFileSync(
    configFile,
    [
      'host: 127.0.0.1',
      'port: 0',
      'logLevel: warn',
      `modelsRoot: ${join(root, 'models')}`,
      'services:',
      '  recommendations: { family: two-tower, model: bench-two-tower, run: latest }',
      '',
    ].join('\n'),
  );
  const server = await startServer(configFile);
  console.log(`server ${server.url} ready`);
  const results: Record<string, Record<string, number>> = {};
  let exitCode: number | null = null;
  try {
    const pick = new Rng(7);
    const scenarios: [string, AutocannonRequest][] = [
      ['get_user_recommendations', { method: 'GET', setupRequest: (req) => ({ ...req, path: `/users/${userIds[pick.int(userIds.length)]}/recommendations?k=${o.k}` }) }],
      [
        'post_cold_start_recommendations',
        {
          method: 'POST',
          path: '/recommendations',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ features: { [featureNames[pick.int(featureNames.length)] as string]: 1 }, k: o.k }) }),
        },
      ],
    ];
    // the same GET one request at a time: service time without queueing
    scenarios.push([`get_user_recommendations_c1`, scenarios[0]![1]]);
    for (const [name, request] of scenarios) {
      const single = name.endsWith('_c1');
      // warm-up (JIT, caches), not measured
      if (!single) await load(server.url, request, { connections: 2, amount: 50, seconds: 30 });
      const r = await load(server.url, request, single ? { connections: 1, amount: Math.min(o.amount, 300), seconds: Math.min(o.seconds, 30) } : o);
      results[name] = summary(r);
      console.log(
        `${name}: ${results[name]!['requests']} requests in ${r.duration.toFixed(1)} s → ${results[name]!['throughput_rps']} req/s, ` +
          `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`,
      );
    }
  } finally {
    server.child.kill('SIGTERM');
    exitCode = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => {
        server.child.kill('SIGKILL');
        resolve(null);
      }, 30_000);
      server.child.on('exit', (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
    if (!args.includes('--keep')) rmSync(root, { recursive: true, force: true });
  }
  const failures = Object.values(results).reduce((s, r) => s + (r['errors'] ?? 0) + (r['timeouts'] ?? 0) + (r['non_2xx'] ?? 0), 0);
  const path = writeBenchResult('serve', {
    what: 'recommender HTTP API under autocannon on 127.0.0.1: two-tower scoring over the whole catalogue per request (seeded random weights, trained-model file format)',
    options: o,
    catalogue_build_seconds: buildSeconds,
    in_process_recommend: inProcess,
    scenarios: results,
    failures,
    graceful_shutdown_exit_code: exitCode,
  });
  console.log(`wrote ${path}; server exited with ${exitCode} after SIGTERM`);
  if (failures > 0) throw new Error(`${failures} request(s) failed or were not 2xx`);
  if (exitCode !== 0) throw new Error(`the server did not shut down cleanly on SIGTERM (exit ${exitCode})`);
}
