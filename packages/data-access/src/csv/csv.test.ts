import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataAccessError } from '../errors';
import { readDelimited } from './csv-reader';
import { parsePythonLiteral } from './python-literal';

const dir = mkdtempSync(join(tmpdir(), 'tk-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = async (text: string | Buffer, opts: Parameters<typeof readDelimited>[1] = {}) => {
  const p = join(dir, `f${Math.abs(text.length * 31 + text.toString().charCodeAt(0))}.csv`);
  writeFileSync(p, text);
  const out = [];
  for await (const r of readDelimited(p, opts)) out.push(r);
  return out;
};

describe('readDelimited', () => {
  it('handles quotes, embedded commas/quotes/newlines, CRLF, BOM and line numbers', async () => {
    const rows = await read('\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"multi\nline",\r\n\r\n3,,"[{\'k\': \'v, w\'}]"');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', 'say "hi"'] },
      { line: 3, fields: ['2', 'multi\nline', ''] },
      { line: 6, fields: ['3', '', "[{'k': 'v, w'}]"] },
    ]);
  });

  it('reads TSV without quoting and ISO-8859-1', async () => {
    const rows = await read(Buffer.from('id\tname\n1\t"fu\xdfball\n', 'latin1'), { delimiter: '\t', quotes: false, encoding: 'latin1' });
    expect(rows[1]?.fields).toEqual(['1', '"fu\u00dfball']);
  });

  it('an unterminated quote is BAD_ROW naming the line', async () => {
    await expect(read('a,b\n1,"open\n2,3\n')).rejects.toMatchObject({ code: 'BAD_ROW', context: { line: 2 } });
  });

  it('a missing file is FILE_NOT_FOUND', async () => {
    const it = readDelimited(join(dir, 'missing.csv'));
    await expect(it.next()).rejects.toBeInstanceOf(DataAccessError);
  });
});

describe('parsePythonLiteral', () => {
  it('parses FMA genre lists', () => {
    expect(parsePythonLiteral("[{'genre_id': '21', 'genre_title': 'Hip-Hop', 'x': None, 'y': True, 'n': -1.5e2}]")).toEqual([
      { genre_id: '21', genre_title: 'Hip-Hop', x: null, y: true, n: -150 },
    ]);
    expect(parsePythonLiteral(`["it's", 'say "hi"', 'a\\'b', (1, 2)]`)).toEqual(["it's", 'say "hi"', "a'b", [1, 2]]);
    expect(parsePythonLiteral('[]')).toEqual([]);
  });

  it.each(["[{'a': 1}", "{'a' 1}", "['x'] extra", "'open"])('rejects %j with BAD_ROW', (text) => {
    expect(() => parsePythonLiteral(text)).toThrow(DataAccessError);
  });
});
