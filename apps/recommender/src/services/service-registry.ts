import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { CliError, readLatest, type Logger } from '@tunekit/cli-kit';
import { isTunekitError } from '@tunekit/core';
import { CAPABILITIES, type Capability, type RecommenderConfig, type ServiceRef } from '../recommender.config';
import { RecommenderError } from '../recommender.error';
import type { ModelFamily, ModelService, ServiceOf } from './model-service';
import { MODEL_FAMILIES } from './model-families';

/** The state of one endpoint group. */
export type ServiceState =
  | { status: 'ready'; service: ModelService }
  | { status: 'loading'; ref: ServiceRef }
  | { status: 'unavailable'; reason: string; command: string | null };

/** What GET /ready shows per endpoint group. */
export interface ServiceStatus {
  status: ServiceState['status'];
  family?: string;
  model?: string;
  runDir?: string;
  details?: Record<string, unknown>;
  reason?: string;
  command?: string | null;
}

function trainCommand(model: string): string {
  return `nx run trainer:train --configuration=${model}`;
}

/**
 * Checks every `services.*` entry against the family registry before anything loads, so a typo in
 * the YAML fails at start with the key named, not at the first request.
 * @throws CliError `CONFIG_INVALID` naming `services.<capability>.family`
 */
export function validateServiceRefs(config: RecommenderConfig, families: Readonly<Record<string, ModelFamily>> = MODEL_FAMILIES, file: string | null = null): void {
  for (const capability of CAPABILITIES) {
    const ref = config.services[capability];
    if (!ref) continue;
    const family = families[ref.family];
    const where = `${file ? `${file}: ` : ''}services.${capability}.family`;
    if (!family) {
      throw new CliError('CONFIG_INVALID', `${where}: unknown model family "${ref.family}". Registered families: ${Object.keys(families).sort().join(', ')}.`, {
        context: { file, key: `services.${capability}.family` },
      });
    }
    if (family.capability !== capability) {
      const fits = Object.values(families).filter((f) => f.capability === capability).map((f) => f.family);
      throw new CliError('CONFIG_INVALID', `${where}: family "${ref.family}" serves ${family.capability}, not ${capability}; use one of: ${fits.join(', ') || '(none registered)'}.`, {
        context: { file, key: `services.${capability}.family` },
      });
    }
  }
}

/**
 * The model services behind the API: which trained run backs which endpoint group, loaded once
 * at start from `configs/recommender/<name>.yaml`. An endpoint whose model is not configured, not
 * trained or failed to load answers 503 with the reason and the trainer command to run.
 *
 * @example
 * ```ts
 * const registry = new ServiceRegistry(config, { workspaceRoot, log });
 * await registry.loadAll();
 * registry.get('recommendations').forUser('42', 10, { excludeHistory: true, exclude: [] });
 * ```
 */
export class ServiceRegistry {
  private readonly states = new Map<Capability, ServiceState>();
  private readonly families: Readonly<Record<string, ModelFamily>>;
  private readonly modelsRoot: string;

  /**
   * @param config - validated configuration (its `services` are checked against the families)
   * @param options.workspaceRoot - base of a relative `modelsRoot`
   * @param options.configFile - named in messages
   * @throws CliError `CONFIG_INVALID` for an unknown family or a family under the wrong endpoint group
   */
  constructor(
    config: RecommenderConfig,
    private readonly options: { workspaceRoot: string; configFile?: string | null; log?: Logger; families?: Readonly<Record<string, ModelFamily>> },
  ) {
    this.families = options.families ?? MODEL_FAMILIES;
    validateServiceRefs(config, this.families, options.configFile ?? null);
    this.modelsRoot = isAbsolute(config.modelsRoot) ? config.modelsRoot : join(options.workspaceRoot, config.modelsRoot);
    for (const capability of CAPABILITIES) {
      const ref = config.services[capability];
      if (ref) this.states.set(capability, { status: 'loading', ref });
      else {
        const fits = Object.values(this.families).filter((f) => f.capability === capability).map((f) => f.family);
        this.states.set(capability, {
          status: 'unavailable',
          reason: `no model is configured for ${capability}: set services.${capability} (family: ${fits.join(' | ') || '?'}, model: <trainer config>) in ${options.configFile ?? 'the recommender config'}`,
          command: null,
        });
      }
    }
  }

  /** Resolves `<modelsRoot>/<model>/<run>` (following `latest`), or explains why it does not exist. */
  resolveRunDir(ref: ServiceRef): { runDir: string } | { reason: string } {
    const modelDir = join(this.modelsRoot, ref.model);
    if (ref.run === 'latest') {
      const latest = readLatest(modelDir);
      if (!latest || !existsSync(latest)) return { reason: `model "${ref.model}" has not been trained: ${join(modelDir, 'latest')} does not exist` };
      return { runDir: realpathSync(latest) };
    }
    const dir = join(modelDir, ref.run);
    if (!existsSync(dir)) {
      const runs = existsSync(modelDir) ? readdirSync(modelDir).filter((d) => !d.startsWith('.') && d !== 'latest').sort() : [];
      return { reason: `run "${ref.run}" of model "${ref.model}" does not exist in ${modelDir} (runs: ${runs.join(', ') || 'none'})` };
    }
    return { runDir: realpathSync(dir) };
  }

  /** Loads every configured service (in parallel); failures become 503 states, logged as errors. */
  async loadAll(): Promise<void> {
    await Promise.all(
      CAPABILITIES.map(async (capability) => {
        const state = this.states.get(capability);
        if (state?.status !== 'loading') return;
        const ref = state.ref;
        const family = this.families[ref.family] as ModelFamily;
        const where = this.resolveRunDir(ref);
        if ('reason' in where) {
          this.states.set(capability, { status: 'unavailable', reason: where.reason, command: trainCommand(ref.model) });
          this.options.log?.warn(`${capability}: unavailable`, { reason: where.reason, command: trainCommand(ref.model) });
          return;
        }
        const t0 = performance.now();
        try {
          const service = await family.load(where.runDir, { model: ref.model });
          this.states.set(capability, { status: 'ready', service });
          this.options.log?.info(`${capability}: loaded ${ref.family} from ${where.runDir}`, { ms: Math.round(performance.now() - t0), ...service.details });
        } catch (e) {
          const reason = `loading ${where.runDir} failed: ${isTunekitError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e)}`;
          this.states.set(capability, { status: 'unavailable', reason, command: trainCommand(ref.model) });
          this.options.log?.error(`${capability}: ${reason}`, { command: trainCommand(ref.model) });
        }
      }),
    );
  }

  /** True once no service is still loading. */
  get loaded(): boolean {
    return [...this.states.values()].every((s) => s.status !== 'loading');
  }

  /**
   * The loaded service of an endpoint group.
   * @throws RecommenderError `MODEL_UNAVAILABLE` (503) naming the reason and, when it helps, the trainer command
   */
  get<C extends Capability>(capability: C): ServiceOf[C] {
    const state = this.states.get(capability);
    if (state?.status === 'ready') return state.service as ServiceOf[C];
    if (state?.status === 'loading') {
      throw new RecommenderError('MODEL_UNAVAILABLE', `the ${capability} model (${state.ref.model}) is still loading; retry shortly (GET /ready says when)`, { context: { capability } });
    }
    const reason = state?.status === 'unavailable' ? state.reason : `no model for ${capability}`;
    const command = state?.status === 'unavailable' ? state.command : null;
    throw new RecommenderError('MODEL_UNAVAILABLE', `${reason}${command ? `; train it with \`${command}\`` : ''}`, { context: { capability, command } });
  }

  /** Per endpoint group: status, which run, and family facts (for GET /ready and the CLI). */
  status(): Record<Capability, ServiceStatus> {
    const out = {} as Record<Capability, ServiceStatus>;
    for (const capability of CAPABILITIES) {
      const s = this.states.get(capability);
      if (!s) continue;
      if (s.status === 'ready') out[capability] = { status: 'ready', family: s.service.family, model: s.service.model, runDir: s.service.runDir, details: s.service.details };
      else if (s.status === 'loading') out[capability] = { status: 'loading', family: s.ref.family, model: s.ref.model };
      else out[capability] = { status: 'unavailable', reason: s.reason, command: s.command };
    }
    return out;
  }

  /** Releases every loaded service's memory (tfjs models); the registry is empty afterwards. */
  dispose(): void {
    for (const [capability, s] of this.states) {
      if (s.status !== 'ready') continue;
      this.families[s.service.family]?.dispose?.(s.service as never);
      this.states.set(capability, { status: 'unavailable', reason: 'the service is shutting down', command: null });
    }
  }
}
