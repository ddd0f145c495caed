import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAppArgs } from '@tunekit/cli-kit';
import { loadRecommenderConfig } from './load-config';
import { ServiceRegistry } from './services/service-registry';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('recommender configuration', () => {
  it('reads configs/recommender/default.yaml when none is named; PORT < --port < --set', () => {
    const plain = loadRecommenderConfig(workspaceRoot, parseAppArgs([]), {});
    expect(plain.name).toBe('default');
    expect(plain.config.host).toBe('127.0.0.1');
    expect(plain.config.port).toBe(8080);
    expect(plain.config.services.recommendations?.family).toBe('two-tower');
    expect(loadRecommenderConfig(workspaceRoot, parseAppArgs([]), { PORT: '9001' }).config.port).toBe(9001);
    expect(loadRecommenderConfig(workspaceRoot, parseAppArgs(['--port', '9002']), { PORT: '9001' }).config.port).toBe(9002);
    expect(loadRecommenderConfig(workspaceRoot, parseAppArgs(['--port', '9002', '--set', 'port=9003']), {}).config.port).toBe(9003);
    expect(() => loadRecommenderConfig(workspaceRoot, parseAppArgs([]), { PORT: 'eighty' })).toThrow(/PORT must be a port number/);
  });

  it('every shipped config validates and names only registered families', () => {
    for (const name of ['default', 'synthetic']) {
      const { config } = loadRecommenderConfig(workspaceRoot, parseAppArgs([`--configuration=${name}`]), {});
      expect(() => new ServiceRegistry(config, { workspaceRoot })).not.toThrow();
    }
  });

  it('a typo is an error with file:line:column; an unknown family names the key and the choices', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-recommender-config-'));
    try {
      const typo = join(dir, 'typo.yaml');
      writeFileSync(typo, 'host: 127.0.0.1\nprot: 8080\n');
      expect(() => loadRecommenderConfig(workspaceRoot, parseAppArgs(['--config', typo]), {})).toThrow(new RegExp(`${typo}:2:1: unknown key "prot"`));
      const family = join(dir, 'family.yaml');
      writeFileSync(family, 'services:\n  clusters: { family: kmeans-magic, model: x }\n');
      const { config } = loadRecommenderConfig(workspaceRoot, parseAppArgs(['--config', family]), {});
      expect(() => new ServiceRegistry(config, { workspaceRoot, configFile: family })).toThrow(/services\.clusters\.family: unknown model family "kmeans-magic". Registered families: content-embedding, listens, metadata-audio, two-tower/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
