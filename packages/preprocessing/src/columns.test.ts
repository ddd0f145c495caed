import { describe, expect, it } from 'vitest';
import { requireColumn, rowCount, selectRows } from './columns';

describe('columns', () => {
  it('selectRows keeps typed arrays typed and picks in the given order', () => {
    const out = selectRows({ a: Float64Array.of(1, 2, 3), b: ['x', 'y', 'z'], c: Int32Array.of(7, 8, 9) }, Int32Array.of(2, 0));
    expect(out['a']).toEqual(Float64Array.of(3, 1));
    expect(out['b']).toEqual(['z', 'x']);
    expect(out['c']).toBeInstanceOf(Int32Array);
    expect(() => selectRows({ a: [1] }, [1])).toThrow(/index 1 at position 0 is outside column "a" of 1 rows/);
  });

  it('rowCount checks presence and equal lengths', () => {
    expect(rowCount({ a: [1, 2], b: Float32Array.of(1, 2) }, ['a', 'b'])).toBe(2);
    expect(() => rowCount({ a: [1, 2], b: [1] }, ['a', 'b'])).toThrow(/Column "b" has 1 rows but column "a" has 2/);
    expect(() => requireColumn({ a: [1] }, 'zz', 'feature "zz"')).toThrow(/Unknown column "zz" \(needed by feature "zz"\); the input has 1 column\(s\): a/);
  });
});
