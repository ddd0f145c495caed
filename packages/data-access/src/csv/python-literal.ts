import { DataAccessError } from '../errors';

/** A value of a Python literal: str, int/float, bool, None, list/tuple or dict. */
export type PythonValue = string | number | boolean | null | PythonValue[] | { [key: string]: PythonValue };

/**
 * Parses a Python literal as `repr()` writes it (the FMA CSVs store lists of dicts so:
 * `[{'genre_id': '21', 'genre_title': 'Hip-Hop'}]`). Supports single/double-quoted strings with
 * backslash escapes, numbers, `True`/`False`/`None`, lists, tuples and dicts.
 *
 * @param text - the literal
 * @returns the parsed value
 * @throws DataAccessError `BAD_ROW` naming the character offset where parsing failed
 * @example
 * ```ts
 * parsePythonLiteral("[{'genre_id': '21'}]"); // [{ genre_id: '21' }]
 * ```
 */
export function parsePythonLiteral(text: string): PythonValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new DataAccessError('BAD_ROW', `Bad Python literal at offset ${i}: ${what} in ${JSON.stringify(text.slice(0, 80))}`, {
      context: { offset: i },
    });
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const value = (): PythonValue => {
    ws();
    const c = text[i];
    if (c === undefined) return fail('unexpected end');
    if (c === "'" || c === '"') return str(c);
    if (c === '[' || c === '(') return list(c === '[' ? ']' : ')');
    if (c === '{') return dict();
    const m = /^(?:True|False|None|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)/.exec(text.slice(i));
    if (!m) return fail(`unexpected ${JSON.stringify(c)}`);
    i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0] === 'inf' ? Infinity : m[0]);
  };
  const str = (q: string): string => {
    i++;
    let out = '';
    while (i < text.length) {
      const c = text[i] as string;
      if (c === q) {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
        if (e === 'x' || e === 'u') {
          const len = e === 'x' ? 2 : 4;
          const hex = text.slice(i + 2, i + 2 + len);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) fail('bad escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 2 + len;
          continue;
        }
        out += e !== undefined && e in map ? (map[e] as string) : `\\${e ?? ''}`;
        i += 2;
        continue;
      }
      out += c;
      i++;
    }
    return fail('unterminated string');
  };
  const list = (close: string): PythonValue[] => {
    i++;
    const out: PythonValue[] = [];
    ws();
    while (text[i] !== close) {
      out.push(value());
      ws();
      if (text[i] === ',') {
        i++;
        ws();
      } else if (text[i] !== close) fail(`expected "," or "${close}"`);
    }
    i++;
    return out;
  };
  const dict = (): { [key: string]: PythonValue } => {
    i++;
    const out: { [key: string]: PythonValue } = {};
    ws();
    while (text[i] !== '}') {
      const k = value();
      ws();
      if (text[i] !== ':') fail('expected ":"');
      i++;
      out[String(k)] = value();
      ws();
      if (text[i] === ',') {
        i++;
        ws();
      } else if (text[i] !== '}') fail('expected "," or "}"');
    }
    i++;
    return out;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}
