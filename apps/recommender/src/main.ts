/**
 * The recommender app.
 *
 * - `nx run recommender:serve [--configuration=<name>] [--port 8080]`: the HTTP API (OpenAPI at /docs).
 * - `nx run recommender:recommend --user 42 --k 10`: recommendations with explanations.
 * - `nx run recommender:predict-listens --track-id 123`: predicted listens of a stored track.
 * - `tsx apps/recommender/src/main.ts similar --track-id 5 --k 10`: tracks that sound alike.
 *
 * Every command reads `configs/recommender/<configuration>.yaml` (default `default`).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTunekitError } from '@tunekit/core';
import { createLogger, parseAppArgs } from '@tunekit/cli-kit';
import { initRuntime } from '@tunekit/runtime';
import { predictListensCommand, recommendCommand, similarCommand, type CliCommandOptions } from './cli';
import { startServer } from './http/server';
import { loadRecommenderConfig } from './load-config';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const log = createLogger('recommender');
const COMMANDS = ['serve', 'recommend', 'predict-listens', 'similar'] as const;

async function serve(o: CliCommandOptions): Promise<void> {
  const runtime = await initRuntime({ log: false });
  const server = await startServer(o.config, { workspaceRoot, configFile: o.configFile, log });
  log.info(`listening on ${server.url} (API docs: ${server.url}/docs)`, { backend: runtime.backend });
  let signals = 0;
  const stop = (signal: string): void => {
    signals += 1;
    if (signals > 1) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    log.info(`${signal}: shutting down (waiting for in-flight requests)`);
    server.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (e: unknown) => {
        log.error(`shutdown failed: ${(e as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  await server.loaded;
  const status = server.registry.status();
  log.info('models loaded', Object.fromEntries(Object.entries(status).map(([k, v]) => [k, v.status === 'ready' ? `${v.model} (${v.family})` : `${v.status}: ${v.reason ?? ''}`])));
}

try {
  const args = parseAppArgs(process.argv.slice(2));
  const command = args.positionals[0] ?? 'serve';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new Error(`unknown command "${command}"; use one of: ${COMMANDS.join(', ')}`);
  }
  const { config, file } = loadRecommenderConfig(workspaceRoot, args);
  const o: CliCommandOptions = { workspaceRoot, config, configFile: file, args, log };
  if (command === 'serve') await serve(o);
  else {
    if (command !== 'recommend' && command !== 'similar') await initRuntime({ log: false });
    if (command === 'recommend') await recommendCommand(o);
    else if (command === 'similar') await similarCommand(o);
    else await predictListensCommand(o);
  }
} catch (e) {
  if (isTunekitError(e)) log.error(`${e.code}: ${e.message}`);
  else log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
}
