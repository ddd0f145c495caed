import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args';
import { SynthError } from './errors';

describe('parseCliArgs', () => {
  it('maps flags to generator options', () => {
    const r = parseCliArgs(['--preset', 'large', '--seed', '3', '--database', 'pglite:memory', '--plays-per-user', '12.5', '--users', '9', '--track-plays', 'counts', '--truth', 't.json', '--replace']);
    expect(r).toEqual({
      options: { preset: 'large', seed: 3, playsPerUser: 12.5, users: 9, trackPlays: 'counts', truthPath: 't.json', replace: true },
      database: 'pglite:memory',
      help: false,
    });
    expect(parseCliArgs([])).toEqual({ options: {}, database: undefined, help: false });
    expect(parseCliArgs(['--help']).help).toBe(true);
  });

  it('rejects unknown flags and non-numeric numbers with INVALID_OPTION', () => {
    expect(() => parseCliArgs(['--trakcs', '5'])).toThrow(SynthError);
    expect(() => parseCliArgs(['--trakcs', '5'])).toThrow(/--help/);
    try {
      parseCliArgs(['--tracks', 'many']);
      expect.unreachable('should have thrown');
    } catch (e) {
      expect((e as SynthError).code).toBe('INVALID_OPTION');
      expect((e as SynthError).message).toContain('--tracks');
    }
  });
});
