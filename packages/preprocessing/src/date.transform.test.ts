import { describe, expect, it } from 'vitest';
import { deriveDates, parseDate, parseReferenceDate } from './date.transform';

describe('parseDate', () => {
  it('reads ISO, US (FMA) and year-only formats in UTC', () => {
    expect(parseDate('11/26/2008 01:48:12 AM')).toEqual({ ms: Date.UTC(2008, 10, 26, 1, 48, 12), yearOnly: false });
    expect(parseDate('11/26/2008 12:30 AM')).toEqual({ ms: Date.UTC(2008, 10, 26, 0, 30), yearOnly: false });
    expect(parseDate('11/26/2008 12:30 PM')).toEqual({ ms: Date.UTC(2008, 10, 26, 12, 30), yearOnly: false });
    expect(parseDate('11/26/2008')).toEqual({ ms: Date.UTC(2008, 10, 26), yearOnly: false });
    expect(parseDate('2008-11-26 01:44:45')).toEqual({ ms: Date.UTC(2008, 10, 26, 1, 44, 45), yearOnly: false });
    expect(parseDate('2008-11-26T03:44:45+02:00')).toEqual({ ms: Date.UTC(2008, 10, 26, 1, 44, 45), yearOnly: false });
    expect(parseDate('2008')).toEqual({ year: 2008, yearOnly: true });
    expect(parseDate(0)).toEqual({ ms: 0, yearOnly: false });
  });

  it('separates missing (null) from unparseable (undefined)', () => {
    expect(parseDate(null)).toBeNull();
    expect(parseDate('  ')).toBeNull();
    expect(parseDate('yesterday')).toBeUndefined();
    expect(parseDate('2008-13-01')).toBeUndefined();
  });

  it('rejects days and times that do not exist instead of rolling them over', () => {
    // Date.UTC(2009, 1, 30) is March 2: these used to parse as a different day.
    for (const bad of ['2009-02-29', '2008-02-30', '2008-04-31', '02/29/2009', '04/31/2008 10:00 AM', '2008-11-26 24:00', '2008-11-26 10:60', '2008-11-26 10:59:60']) {
      expect(parseDate(bad), bad).toBeUndefined();
    }
    expect(parseDate('2008-02-29')).toEqual({ ms: Date.UTC(2008, 1, 29), yearOnly: false });
    expect(parseDate('2000-02-29')).toEqual({ ms: Date.UTC(2000, 1, 29), yearOnly: false });
    expect(parseDate('1900-02-29')).toBeUndefined();
    expect(parseDate('12/31/2008 11:59:59 PM')).toEqual({ ms: Date.UTC(2008, 11, 31, 23, 59, 59), yearOnly: false });
  });

  it('rejects a year-only reference date', () => {
    expect(() => parseReferenceDate('2017', 'features[2].referenceDate')).toThrow(/features\[2\]\.referenceDate must be a full date/);
  });
});

describe('deriveDates', () => {
  it('derives year, age and month — golden', () => {
    // 2007-04-01 → 2017-04-01 is 3653 days (leap days in 2008, 2012, 2016): age = 3653 / 365.25 = 10.001369
    const ref = Date.UTC(2017, 3, 1);
    const { derived, counts } = deriveDates(['2007-04-01', '2008', null, 'bad'], ['year', 'age', 'month'], ref);
    const [year, age, month] = derived as [Float64Array, Float64Array, Float64Array];
    expect(Array.from(year)).toEqual([2007, 2008, NaN, NaN]);
    expect(age[0]).toBeCloseTo(10.001369, 6);
    expect(Array.from(age.subarray(1))).toEqual([NaN, NaN, NaN]);
    expect(Array.from(month)).toEqual([4, NaN, NaN, NaN]);
    expect(counts).toEqual({ null: 1, invalidDate: 1, partialDate: 1 });
  });
});

describe('calendar arithmetic', () => {
  it('matches Date for years, months and leap days across eras', () => {
    const rng = [Date.UTC(1600, 1, 29), Date.UTC(1969, 11, 31, 23, 59), Date.UTC(1970, 0, 1), Date.UTC(2000, 1, 29), Date.UTC(2100, 2, 1), -1];
    for (let t = Date.UTC(1890, 0, 1); t < Date.UTC(2110, 0, 1); t += 86_400_000 * 13.37) rng.push(Math.floor(t));
    const { derived } = deriveDates(rng, ['year', 'month'], null);
    rng.forEach((ms, i) => {
      const d = new Date(ms);
      expect([derived[0]?.[i], derived[1]?.[i]], `ms ${ms}`).toEqual([d.getUTCFullYear(), d.getUTCMonth() + 1]);
    });
  });
});
