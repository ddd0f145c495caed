import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadConfig, type LoadedConfig } from './config';
import { CliError } from './errors';
import type { CommonArgs } from './args';

/**
 * Resolves which YAML file an app run uses: `--config <path>` wins, else
 * `configs/<app>/<--configuration>.yaml` under the workspace root.
 * @throws CliError `BAD_ARGUMENT` when neither is given or the name is unknown (lists the choices).
 */
export function resolveConfigFile(workspaceRoot: string, app: string, args: Pick<CommonArgs, 'config' | 'configuration'>): { file: string; name: string } {
  if (args.config) {
    const name = args.config.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
    return { file: args.config, name };
  }
  const dir = join(workspaceRoot, 'configs', app);
  const available = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).sort() : [];
  if (!args.configuration) {
    throw new CliError('BAD_ARGUMENT', `No configuration given. Use --configuration=<name> with one of: ${available.join(', ') || '(none)'} (files in configs/${app}/), or --config <path>.`);
  }
  const file = join(dir, `${args.configuration}.yaml`);
  if (!existsSync(file)) {
    throw new CliError('CONFIG_NOT_FOUND', `No config "${args.configuration}" for ${app}: ${file} does not exist. Available: ${available.join(', ') || '(none)'}.`, {
      context: { file },
    });
  }
  return { file, name: args.configuration };
}

/** A registry entry: anything with a zod schema for its config. */
export interface HasSchema {
  readonly schema: z.ZodType;
}

/**
 * Loads a task-driven config: the YAML's `task:` key picks an entry of `registry`; the entry's
 * schema validates every other key (except the app-level keys in `appKeys`, validated by `appSchema`).
 * @throws CliError `CONFIG_INVALID` for an unknown task (lists the registered ones) or any schema issue.
 */
export function loadTaskConfig<T extends HasSchema, A extends z.ZodRawShape>(options: {
  file: string;
  registry: Readonly<Record<string, T>>;
  appShape: A;
  overrides?: readonly string[];
}): { taskName: string; task: T; app: z.infer<z.ZodObject<A>>; config: unknown; loaded: LoadedConfig<unknown> } {
  const head = loadConfig({
    file: options.file,
    schema: z.looseObject({ task: z.string({ error: 'is required: the model family to run' }) }),
    overrides: options.overrides ?? [],
  });
  const taskName = head.value.task;
  const task = options.registry[taskName];
  if (!task) {
    throw new CliError('CONFIG_INVALID', `${options.file}: unknown task "${taskName}". Registered tasks: ${Object.keys(options.registry).sort().join(', ') || '(none)'}.`, {
      context: { file: options.file, key: 'task' },
    });
  }
  const appKeys = new Set(['task', ...Object.keys(options.appShape)]);
  const app = loadConfig({
    file: options.file,
    schema: z.looseObject({ task: z.string(), ...options.appShape }),
    overrides: options.overrides ?? [],
  });
  const loaded = loadConfig({
    file: options.file,
    schema: z.preprocess((v) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => !appKeys.has(k))) : v), task.schema),
    overrides: options.overrides ?? [],
  });
  const { task: _t, ...appValue } = app.value as Record<string, unknown>;
  const appOnly = Object.fromEntries(Object.entries(appValue).filter(([k]) => appKeys.has(k)));
  return { taskName, task, app: appOnly as z.infer<z.ZodObject<A>>, config: loaded.value, loaded };
}
