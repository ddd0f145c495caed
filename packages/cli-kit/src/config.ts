import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import type { z } from 'zod';
import { CliError } from './errors';

/** Where a config value came from, for messages. */
export interface ConfigLocation {
  file: string;
  line: number;
  column: number;
}

/** A loaded, validated config plus what it was made of. */
export interface LoadedConfig<T> {
  /** The validated value (defaults applied). */
  value: T;
  /** The merged raw object before validation (YAML < env < --set). */
  raw: Record<string, unknown>;
  /** The YAML file it came from, if any. */
  file: string | null;
}

function locate(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: (string | number)[], file: string): ConfigLocation | null {
  // Walk down to the deepest node that exists on the path.
  let node: unknown = doc.contents;
  let found: Node | null = (node as Node) ?? null;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
      if (!pair) break;
      found = (pair.key as Node) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      found = (node as Node) ?? found;
    } else break;
  }
  const range = found?.range;
  if (!range) return null;
  const { line, col } = counter.linePos(range[0]);
  return { file, line, column: col };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Sets `obj[a][b][c] = value` for the dotted key `a.b.c`, creating objects as needed (own
 * properties only: a non-object or inherited value on the way is replaced by a fresh object).
 *
 * @param obj - the object to change in place
 * @param dotted - the key path, e.g. `training.lr`
 * @param value - the value to store
 * @throws CliError `BAD_ARGUMENT` when a segment is empty (`a..b`) or is `__proto__`, `prototype`
 *   or `constructor` (which would reach Object.prototype)
 * @example
 * ```ts
 * const raw = {}; setPath(raw, 'training.lr', 0.01); // { training: { lr: 0.01 } }
 * ```
 */
export function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  for (const part of parts) {
    if (part === '' || FORBIDDEN_KEYS.has(part)) {
      throw new CliError('BAD_ARGUMENT', `Bad key "${dotted}": ${part === '' ? 'empty segment' : `segment "${part}" is not allowed`}; use a dotted path of config keys such as training.lr`, {
        context: { key: dotted },
      });
    }
  }
  let cur: Record<string, unknown> = obj;
  for (const part of parts.slice(0, -1)) {
    const next = Object.prototype.hasOwnProperty.call(cur, part) ? cur[part] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

/** Parses a `--set` value as YAML scalar/flow (so `3`, `true`, `[128,64]`, `0.001` get their types). */
export function parseScalar(text: string): unknown {
  try {
    return parseDocument(text).toJS();
  } catch {
    return text;
  }
}

/**
 * Loads a YAML config, layers overrides on top and validates once with a zod schema.
 *
 * Layers, lowest first: schema defaults < YAML file < `env` (already-parsed key→value pairs,
 * e.g. from `TUNEKIT_SET_*`) < `overrides` (`key.sub=value` strings from `--set`).
 *
 * @throws CliError `CONFIG_NOT_FOUND` (file missing), `CONFIG_SYNTAX` (YAML error with line and
 *   column), `CONFIG_INVALID` (schema violation: every issue listed with its key path and, when it
 *   is in the file, file:line:column; unknown keys are errors when the schema is strict).
 * @example
 * ```ts
 * const { value } = loadConfig({ file: 'configs/trainer/listens-fma.yaml', schema, overrides: ['training.epochs=5'] });
 * ```
 */
export function loadConfig<S extends z.ZodType>(options: {
  file?: string | null;
  schema: S;
  overrides?: readonly string[];
  env?: Readonly<Record<string, unknown>>;
}): LoadedConfig<z.infer<S>> {
  const file = options.file ?? null;
  let raw: Record<string, unknown> = {};
  let doc: ReturnType<typeof parseDocument> | null = null;
  const counter = new LineCounter();
  if (file) {
    if (!existsSync(file)) {
      throw new CliError('CONFIG_NOT_FOUND', `Config file not found: ${file}`, { context: { file } });
    }
    const text = readFileSync(file, 'utf8');
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const pos = e.linePos?.[0];
      throw new CliError('CONFIG_SYNTAX', `${file}:${pos?.line ?? '?'}:${pos?.col ?? '?'}: YAML syntax error: ${e.message.split('\n')[0]}`, {
        context: { file, line: pos?.line, column: pos?.col },
      });
    }
    const js = doc.toJS() as unknown;
    if (js !== null && js !== undefined) {
      if (typeof js !== 'object' || Array.isArray(js)) {
        throw new CliError('CONFIG_INVALID', `${file}: the top level must be a mapping of keys to values`, { context: { file } });
      }
      raw = js as Record<string, unknown>;
    }
  }
  for (const [key, value] of Object.entries(options.env ?? {})) setPath(raw, key, value);
  for (const item of options.overrides ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new CliError('BAD_ARGUMENT', `--set expects key=value, got "${item}"`, { context: { set: item } });
    }
    setPath(raw, item.slice(0, eq).trim(), parseScalar(item.slice(eq + 1)));
  }
  const result = options.schema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const key = path.join('.') || '(root)';
      const keys = issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys ?? [] : [];
      const fullPath = keys.length === 1 ? [...path, keys[0] as string] : path;
      const loc = doc && file ? locate(doc, counter, fullPath, file) : null;
      const where = loc ? `${loc.file}:${loc.line}:${loc.column}: ` : file ? `${file}: ` : '';
      const what = keys.length > 0 ? `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${[...path, k].join('.')}"`).join(', ')}` : `"${key}": ${issue.message}`;
      return `${where}${what}`;
    });
    throw new CliError('CONFIG_INVALID', `Invalid configuration:\n  ${lines.join('\n  ')}`, {
      context: { file, issues: result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
    });
  }
  return { value: result.data as z.infer<S>, raw, file };
}
