import { describe, expect, it } from 'vitest';
import { holdoutInteractions } from './interaction-holdout';

describe('holdoutInteractions', () => {
  // 40 users × 10 rows, interleaved so a user's rows are not contiguous
  const users = Array.from({ length: 400 }, (_, k) => `u${k % 40}`);

  it('partitions rows: cold users are wholly out of train, warm users keep most rows', () => {
    const s = holdoutInteractions(users, { fraction: 0.2, minItems: 5, coldUsers: 0.25, seed: 3 });
    const all = [...s.train, ...s.test, ...s.cold].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 400 }, (_, k) => k));
    const trainUsers = new Set(Array.from(s.train, (r) => users[r]));
    const coldUsers = new Set(Array.from(s.cold, (r) => users[r]));
    expect(coldUsers.size).toBe(10);
    for (const u of coldUsers) expect(trainUsers.has(u)).toBe(false);
    for (const r of s.test) expect(trainUsers.has(users[r])).toBe(true);
    expect(s.test.length).toBe(30 * 2); // round(10 · 0.2) per warm user
  });

  it('is deterministic in the seed and changes with it', () => {
    const a = holdoutInteractions(users, { fraction: 0.2, minItems: 5, coldUsers: 0.1, seed: 9 });
    const b = holdoutInteractions(users, { fraction: 0.2, minItems: 5, coldUsers: 0.1, seed: 9 });
    const c = holdoutInteractions(users, { fraction: 0.2, minItems: 5, coldUsers: 0.1, seed: 10 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
  });

  it('without cold users holds out per user only, and rejects bad shares', () => {
    const s = holdoutInteractions(users, { fraction: 0.2, minItems: 5, seed: 1 });
    expect(s.cold.length).toBe(0);
    expect(s.train.length + s.test.length).toBe(400);
    expect(() => holdoutInteractions(users, { fraction: 0.2, minItems: 5, coldUsers: 1, seed: 1 })).toThrow(/coldUsers must be in \[0, 1\)/);
    expect(() => holdoutInteractions([], { fraction: 0.2, minItems: 5, seed: 1 })).toThrow(/no interactions/);
  });
});
