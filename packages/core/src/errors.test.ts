import { describe, expect, it } from 'vitest';
import { TunekitError, isTunekitError } from './index';

class DemoError extends TunekitError<'A' | 'B'> {}

describe('TunekitError', () => {
  it('carries code, context, cause and the subclass name', () => {
    const cause = new Error('root');
    const err = new DemoError('A', 'bad thing at line 3', { cause, context: { line: 3 } });
    expect(err.name).toBe('DemoError');
    expect(err.code).toBe('A');
    expect(err.context).toEqual({ line: 3 });
    expect(err.cause).toBe(cause);
    expect(isTunekitError(err)).toBe(true);
    expect(isTunekitError(err, 'B')).toBe(false);
    expect(isTunekitError(new Error('x'))).toBe(false);
  });
});
