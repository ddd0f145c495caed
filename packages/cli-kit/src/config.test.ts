import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CliError, loadConfig, writeJsonAtomic, pointSymlinkAtomic, readLatest, canonicalJson } from './index';

const schema = z
  .object({
    seed: z.number().int().default(42),
    training: z.object({ epochs: z.number().int().positive(), lr: z.number().positive().default(0.001) }).strict(),
    hidden: z.array(z.number().int()).default([128, 64]),
  })
  .strict();

function tmpFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tk-config-'));
  const file = join(dir, 'c.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('applies defaults < file < --set, with YAML-typed overrides', () => {
    const file = tmpFile('training:\n  epochs: 5\n');
    const { value } = loadConfig({ file, schema, overrides: ['training.lr=0.01', 'hidden=[32,16]'] });
    expect(value).toEqual({ seed: 42, training: { epochs: 5, lr: 0.01 }, hidden: [32, 16] });
  });

  it('names file, line and column of an unknown key', () => {
    const file = tmpFile('seed: 1\ntraining:\n  epochs: 5\n  epoch: 3\n');
    try {
      loadConfig({ file, schema });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CliError);
      expect((e as CliError).code).toBe('CONFIG_INVALID');
      expect((e as Error).message).toContain(`${file}:4:3: unknown key "training.epoch"`);
    }
  });

  it('names the location of a wrongly typed value', () => {
    const file = tmpFile('training:\n  epochs: many\n');
    expect(() => loadConfig({ file, schema })).toThrow(new RegExp(`${file}:2:3: "training.epochs"`));
  });

  it('reports YAML syntax errors with line and column', () => {
    const file = tmpFile('training:\n  epochs: [1, 2\n');
    expect(() => loadConfig({ file, schema })).toThrow(/YAML syntax error/);
  });

  it('rejects --set keys that would reach Object.prototype or are empty', () => {
    // `--set __proto__.polluted=1` used to write Object.prototype.polluted.
    const call = (key: string) => () => loadConfig({ schema: z.looseObject({}), overrides: [`${key}=1`] });
    for (const key of ['__proto__.polluted', 'a.__proto__.polluted', 'constructor.prototype.polluted', 'a..b', 'a.']) {
      expect(call(key), key).toThrow(CliError);
      expect(call(key), key).toThrow(/Bad key/);
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // an inherited name such as toString is an ordinary key
    const { value } = loadConfig({ schema: z.looseObject({}), overrides: ['toString.x=1'] });
    expect(value).toEqual({ toString: { x: 1 } });
  });

  it('reports a missing file and a bad --set', () => {
    expect(() => loadConfig({ file: '/nonexistent/x.yaml', schema })).toThrow(/Config file not found/);
    expect(() => loadConfig({ schema, overrides: ['novalue'] })).toThrow(/key=value/);
  });
});

describe('atomic files', () => {
  it('writes JSON without leaving temp files and moves latest atomically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-atomic-'));
    writeJsonAtomic(join(dir, 'a', 'x.json'), { b: 1, a: 2 });
    expect(JSON.parse(readFileSync(join(dir, 'a', 'x.json'), 'utf8'))).toEqual({ a: 2, b: 1 });
    expect(readdirSync(join(dir, 'a'))).toEqual(['x.json']);
    pointSymlinkAtomic(join(dir, 'latest'), 'a');
    pointSymlinkAtomic(join(dir, 'latest'), 'a');
    expect(readLatest(dir)).toBe(join(dir, 'a'));
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });
});
