import { createReadStream } from 'node:fs';
import { DataAccessError } from '../errors';

/** Options of {@link readDelimited}. */
export interface DelimitedReadOptions {
  /** Field separator: `,` for CSV, `\t` for TSV/.dat files. Default `,`. */
  delimiter?: string;
  /** Honour RFC 4180 double quotes (embedded delimiters, quotes and newlines). Default true. */
  quotes?: boolean;
  /** File encoding, e.g. `latin1` for ISO-8859-1 files. Default `utf8`. */
  encoding?: BufferEncoding;
}

/** One parsed record with the 1-based physical line it starts on. */
export interface DelimitedRecord {
  /** 1-based line of the file where the record starts (the header is line 1). */
  line: number;
  fields: string[];
}

/**
 * Streams the records of a delimited text file (CSV with RFC 4180 quoting, or plain TSV),
 * one chunk at a time, so files larger than memory parse in constant space.
 *
 * @param path - file to read
 * @param options - delimiter, quoting and encoding
 * @returns an async iterator of records, header included, with the line each starts on
 * @throws DataAccessError `FILE_NOT_FOUND` when the file cannot be opened; `BAD_ROW` for an
 *   unterminated quoted field at end of file (names file and line)
 * @example
 * ```ts
 * for await (const { line, fields } of readDelimited('tracks.csv')) console.log(line, fields[0]);
 * ```
 */
export async function* readDelimited(path: string, options: DelimitedReadOptions = {}): AsyncGenerator<DelimitedRecord> {
  const delimiter = options.delimiter ?? ',';
  const quotes = options.quotes ?? true;
  const stream = createReadStream(path, { encoding: options.encoding ?? 'utf8', highWaterMark: 1 << 20 });
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let quotedField = false;
  let line = 1;
  let recordLine = 1;
  let pendingQuote = false; // saw a quote inside a quoted field; next char decides
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let text = chunk;
      if (first) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      let start = 0;
      const n = text.length;
      for (let i = 0; i < n; i++) {
        const c = text.charCodeAt(i);
        if (pendingQuote) {
          pendingQuote = false;
          if (c === 34) {
            field += '"';
            start = i + 1;
            continue;
          }
          inQuotes = false;
          start = i;
        }
        if (inQuotes) {
          if (c === 34) {
            field += text.slice(start, i);
            pendingQuote = true;
            start = i + 1;
          } else if (c === 10) line++;
          continue;
        }
        if (c === 34 && quotes && field === '' && start === i) {
          inQuotes = true;
          quotedField = true;
          start = i + 1;
        } else if (text[i] === delimiter) {
          fields.push(field + text.slice(start, i));
          field = '';
          quotedField = false;
          start = i + 1;
        } else if (c === 10) {
          let end = i;
          if (end > start && text.charCodeAt(end - 1) === 13) end--;
          else if (end === start && field.endsWith('\r')) field = field.slice(0, -1);
          fields.push(field + text.slice(start, end));
          field = '';
          quotedField = false;
          start = i + 1;
          if (!(fields.length === 1 && fields[0] === '')) yield { line: recordLine, fields };
          fields = [];
          line++;
          recordLine = line;
        }
      }
      if (!pendingQuote) field += text.slice(start);
    }
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT' || (cause as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new DataAccessError('FILE_NOT_FOUND', `Cannot read ${path}: ${(cause as Error).message}. Check the path or download the dataset first.`, {
        cause,
        context: { file: path },
      });
    }
    throw cause;
  }
  if (inQuotes && !pendingQuote) {
    throw new DataAccessError('BAD_ROW', `${path}:${recordLine}: quoted field opened on this line is never closed (reached end of file)`, {
      context: { file: path, line: recordLine },
    });
  }
  if (field.endsWith('\r')) field = field.slice(0, -1);
  if (field !== '' || fields.length > 0 || quotedField) {
    fields.push(field);
    yield { line: recordLine, fields };
  }
}
