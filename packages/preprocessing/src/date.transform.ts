import { PreprocessingError } from './errors';
import type { Column } from './columns';

/** A quantity derived from a date: calendar year, age in years before a reference date, or month (1–12). */
export type DateDerive = 'year' | 'age' | 'month';

const MS_PER_YEAR = 365.25 * 86_400_000;
const ISO_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const US_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
const YEAR_RE = /^(\d{4})$/;

/** A parsed date: epoch milliseconds (UTC), or only a year when that is all the cell holds. */
export type ParsedDate = { readonly ms: number; readonly yearOnly: false } | { readonly year: number; readonly yearOnly: true };

/**
 * Parses one cell as a date, in UTC so results never depend on the machine's time zone.
 * Accepts `Date`, epoch milliseconds, ISO `YYYY-MM-DD[ HH:MM[:SS]][Z|±HH:MM]`,
 * US `MM/DD/YYYY[ hh:mm[:ss] AM|PM]` (the FMA dump format) and a bare `YYYY` (year only).
 *
 * @param value - the cell
 * @returns the parsed date, `null` for a missing cell, `undefined` when the cell cannot be parsed
 * @example
 * ```ts
 * parseDate('11/26/2008 01:48:12 AM'); // { ms: Date.UTC(2008, 10, 26, 1, 48, 12), yearOnly: false }
 * parseDate('2008');                   // { year: 2008, yearOnly: true }
 * ```
 */
export function parseDate(value: unknown): ParsedDate | null | undefined {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? undefined : { ms, yearOnly: false };
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return null;
    return Number.isFinite(value) ? { ms: value, yearOnly: false } : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s === '') return null;
  let m = YEAR_RE.exec(s);
  if (m) return { year: Number(m[1]), yearOnly: true };
  m = ISO_RE.exec(s);
  if (m) {
    const [, y, mo, d, hh, mi, ss, tz] = m;
    let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh ?? 0), Number(mi ?? 0), Number(ss ?? 0));
    if (tz !== undefined && tz !== 'Z') {
      const sign = tz.startsWith('-') ? -1 : 1;
      const digits = tz.replace(/[+:-]/g, '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
    }
    return validDateTime(Number(y), Number(mo), Number(d), Number(hh ?? 0), Number(mi ?? 0), Number(ss ?? 0)) ? { ms, yearOnly: false } : undefined;
  }
  m = US_RE.exec(s);
  if (m) {
    const [, mo, d, y, hh, mi, ss, ampm] = m;
    let hour = Number(hh ?? 0);
    if (ampm !== undefined) {
      if (hour < 1 || hour > 12) return undefined;
      const pm = ampm.toLowerCase() === 'pm';
      hour = (hour % 12) + (pm ? 12 : 0);
    }
    if (!validDateTime(Number(y), Number(mo), Number(d), hour, Number(mi ?? 0), Number(ss ?? 0))) return undefined;
    return { ms: Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi ?? 0), Number(ss ?? 0)), yearOnly: false };
  }
  return undefined;
}

/** A real calendar day (no 2008-02-30, which Date.UTC would roll over to March 1) and clock time. */
function validDateTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  if (!(month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59)) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses a reference date from a spec (ISO or any format {@link parseDate} accepts, full date).
 *
 * @param value - e.g. `'2017-04-01'`
 * @param path - spec path for messages
 * @returns epoch milliseconds (UTC)
 * @throws PreprocessingError `INVALID_SPEC` when the value is not a full date
 * @example
 * ```ts
 * parseReferenceDate('2017-04-01', 'features[2].referenceDate'); // Date.UTC(2017, 3, 1)
 * ```
 */
export function parseReferenceDate(value: unknown, path: string): number {
  const parsed = parseDate(value);
  if (parsed === null || parsed === undefined || parsed.yearOnly) {
    throw new PreprocessingError('INVALID_SPEC', `${path} must be a full date such as '2017-04-01', got ${JSON.stringify(value)}.`, {
      context: { path, value },
    });
  }
  return parsed.ms;
}

/** What date derivation found in one column. */
export interface DateCounts {
  /** Missing cells (null, undefined, empty string, NaN). */
  null: number;
  /** Cells that are not parseable dates (treated as missing). */
  invalidDate: number;
  /** Cells holding only a year: year is known, age and month are missing. */
  partialDate: number;
}

/**
 * Derives numeric columns from a date column (NaN where the quantity is unknown).
 *
 * @param values - the date column
 * @param derive - quantities to derive, in output order
 * @param referenceMs - reference date (epoch ms) for `age`; required when `age` is derived
 * @returns one float64 [n] array per derived quantity and the counts
 * @example
 * ```ts
 * deriveDates(['2007-04-01'], ['year', 'age'], Date.UTC(2017, 3, 1)); // year 2007, age ≈ 10.0
 * ```
 */
export function deriveDates(
  values: Column,
  derive: readonly DateDerive[],
  referenceMs: number | null,
): { derived: Float64Array[]; counts: DateCounts } {
  const n = values.length;
  const derived = derive.map(() => new Float64Array(n));
  const counts: DateCounts = { null: 0, invalidDate: 0, partialDate: 0 };
  const wantYear = derive.indexOf('year');
  const wantAge = derive.indexOf('age');
  const wantMonth = derive.indexOf('month');
  const yearOut = wantYear >= 0 ? (derived[wantYear] as Float64Array) : null;
  const ageOut = wantAge >= 0 ? (derived[wantAge] as Float64Array) : null;
  const monthOut = wantMonth >= 0 ? (derived[wantMonth] as Float64Array) : null;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    let ms = NaN;
    let year = NaN;
    if (typeof v === 'number' && Number.isFinite(v)) ms = v; // fast path: epoch ms, no allocation
    else {
      const p = parseDate(v);
      if (p === null) counts.null++;
      else if (p === undefined) counts.invalidDate++;
      else if (p.yearOnly) {
        counts.partialDate++;
        year = p.year;
      } else ms = p.ms;
    }
    if (!Number.isNaN(ms)) year = civilFromMs(ms, false);
    if (yearOut) yearOut[i] = year;
    if (monthOut) monthOut[i] = Number.isNaN(ms) ? NaN : civilFromMs(ms, true);
    if (ageOut) ageOut[i] = Number.isNaN(ms) || referenceMs === null ? NaN : (referenceMs - ms) / MS_PER_YEAR;
  }
  return { derived, counts };
}

/** UTC year (or month 1–12) of epoch ms without allocating a Date (H. Hinnant's civil_from_days). */
function civilFromMs(ms: number, month: boolean): number {
  const z = Math.floor(ms / 86_400_000) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return month ? m : yoe + era * 400 + (m <= 2 ? 1 : 0);
}
