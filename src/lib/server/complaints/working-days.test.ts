import { describe, expect, it } from 'vitest';
import { addWorkingDays, HOLIDAY_CALENDAR_YEARS, isWorkingDay, workingDaysBetween } from './working-days.ts';

describe('working days', () => {
  it('encodes the State Council schedules for 2024–2026', () => {
    expect(HOLIDAY_CALENDAR_YEARS).toEqual([2024, 2025, 2026]);
  });

  describe('ordinary weeks', () => {
    it('treats Monday–Friday as working days and Saturday–Sunday as rest days', () => {
      expect(['2025-03-03', '2025-03-04', '2025-03-05', '2025-03-06', '2025-03-07'].map(isWorkingDay)).toEqual([
        true,
        true,
        true,
        true,
        true,
      ]);
      expect(isWorkingDay('2025-03-08')).toBe(false);
      expect(isWorkingDay('2025-03-09')).toBe(false);
    });

    it('skips weekends when adding', () => {
      expect(addWorkingDays('2025-03-03', 1)).toBe('2025-03-04');
      expect(addWorkingDays('2025-03-03', 5)).toBe('2025-03-10');
      expect(addWorkingDays('2025-03-07', 1)).toBe('2025-03-10'); // Friday → Monday
      expect(addWorkingDays('2025-03-08', 1)).toBe('2025-03-10'); // from a Saturday
      expect(addWorkingDays('2025-03-03', 15)).toBe('2025-03-24');
      expect(workingDaysBetween('2025-03-03', '2025-03-24')).toBe(15);
    });
  });

  describe('国庆节', () => {
    it('counts 15 working days from 2025-09-26 across the 8-day 国庆/中秋 break', () => {
      // 9/28 (Sun, 调休), 9/29, 9/30, then 10/1–10/8 off, 10/9, 10/10, 10/11 (Sat, 调休), …
      expect(addWorkingDays('2025-09-26', 15)).toBe('2025-10-23');
      for (let d = 1; d <= 8; d++) expect(isWorkingDay(`2025-10-0${d}`)).toBe(false);
      expect(isWorkingDay('2025-10-09')).toBe(true);
    });

    it('handles 国庆 in 2024 and 2026 too', () => {
      expect(addWorkingDays('2024-09-27', 15)).toBe('2024-10-23');
      expect(addWorkingDays('2026-09-24', 15)).toBe('2026-10-22'); // 中秋 9/25–27 then 国庆 10/1–7
    });
  });

  describe('调休 make-up working days', () => {
    it('counts a Saturday declared a working day', () => {
      expect(isWorkingDay('2025-10-11')).toBe(true); // Saturday
      expect(isWorkingDay('2025-10-12')).toBe(false); // the Sunday after is still a rest day
      expect(addWorkingDays('2025-10-10', 1)).toBe('2025-10-11');
      expect(isWorkingDay('2024-05-11')).toBe(true);
      expect(isWorkingDay('2026-02-28')).toBe(true);
    });

    it('counts a Sunday declared a working day', () => {
      expect(isWorkingDay('2025-09-28')).toBe(true);
      expect(addWorkingDays('2025-09-26', 1)).toBe('2025-09-28');
      expect(isWorkingDay('2024-04-07')).toBe(true);
      expect(isWorkingDay('2026-01-04')).toBe(true);
    });
  });

  describe('春节', () => {
    it('2025: 除夕 1/28 to 初七 2/4 off, 1/26 and 2/8 worked', () => {
      expect(addWorkingDays('2025-01-24', 1)).toBe('2025-01-26');
      expect(addWorkingDays('2025-01-24', 2)).toBe('2025-01-27');
      expect(addWorkingDays('2025-01-24', 3)).toBe('2025-02-05');
      expect(isWorkingDay('2025-01-28')).toBe(false); // 除夕, statutory since 2025
      expect(isWorkingDay('2025-02-04')).toBe(false);
      expect(workingDaysBetween('2025-01-24', '2025-02-09')).toBe(6);
    });

    it('2024: 除夕 2/9 was a working day, 2/10–2/17 off, 2/18 worked', () => {
      expect(isWorkingDay('2024-02-09')).toBe(true);
      expect(addWorkingDays('2024-02-08', 1)).toBe('2024-02-09');
      expect(addWorkingDays('2024-02-08', 2)).toBe('2024-02-18');
      expect(isWorkingDay('2024-02-04')).toBe(true);
    });

    it('2026: 2/15–2/23 off, 2/14 worked', () => {
      expect(addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
      expect(addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
      expect(isWorkingDay('2026-02-16')).toBe(false);
      expect(isWorkingDay('2026-02-23')).toBe(false);
    });
  });

  describe('year boundaries', () => {
    it('carries across New Year', () => {
      expect(addWorkingDays('2024-12-31', 1)).toBe('2025-01-02'); // 元旦 2025 is one day
      expect(addWorkingDays('2025-12-31', 1)).toBe('2026-01-04'); // 1/1–1/3 off, Sunday 1/4 worked
      expect(addWorkingDays('2025-12-31', 2)).toBe('2026-01-05');
      expect(workingDaysBetween('2025-12-24', '2026-01-09')).toBe(11);
    });

    it('crosses from an unencoded year into an encoded one', () => {
      expect(addWorkingDays('2023-12-29', 1)).toBe('2024-01-02');
    });

    it('gives the published number of working days per year', () => {
      expect(workingDaysBetween('2023-12-31', '2024-12-31')).toBe(251);
      expect(workingDaysBetween('2024-12-31', '2025-12-31')).toBe(248);
      expect(workingDaysBetween('2025-12-31', '2026-12-31')).toBe(248);
    });
  });

  describe('zero days and empty ranges', () => {
    it('returns the start itself for days = 0, even on a rest day', () => {
      expect(addWorkingDays('2025-03-05', 0)).toBe('2025-03-05');
      expect(addWorkingDays('2025-10-01', 0)).toBe('2025-10-01');
      expect(addWorkingDays('2025-03-08', 0)).toBe('2025-03-08');
    });

    it('counts 0 when to is on or before from', () => {
      expect(workingDaysBetween('2025-03-05', '2025-03-05')).toBe(0);
      expect(workingDaysBetween('2025-03-05', '2025-03-01')).toBe(0);
      expect(workingDaysBetween('2025-10-01', '2025-10-08')).toBe(0); // all holiday
    });
  });

  describe('workingDaysBetween is the inverse of addWorkingDays', () => {
    const starts = ['2023-12-20', '2024-02-01', '2024-09-13', '2025-01-20', '2025-04-25', '2025-09-26', '2025-12-25', '2026-02-10', '2026-09-18', '2026-12-20'];

    it('recovers n from addWorkingDays(start, n)', () => {
      for (const start of starts) {
        for (let n = 0; n <= 40; n++) {
          const end = addWorkingDays(start, n);
          expect(workingDaysBetween(start, end), `${start} + ${n} = ${end}`).toBe(n);
          if (n > 0) expect(isWorkingDay(end), `${end} is a working day`).toBe(true);
        }
      }
    });

    it('lands exactly on any working day', () => {
      for (const [from, to] of [
        ['2025-09-26', '2025-10-23'],
        ['2025-12-31', '2026-01-04'],
        ['2024-02-01', '2024-02-18'],
      ] as const) {
        expect(addWorkingDays(from, workingDaysBetween(from, to))).toBe(to);
      }
    });
  });

  describe('years outside the table', () => {
    it('falls back to weekends only', () => {
      // 2027 is not yet published: 1/1 and 10/1 (both Fridays) count as working days until it is.
      expect(HOLIDAY_CALENDAR_YEARS).not.toContain(2027);
      expect(isWorkingDay('2027-01-01')).toBe(true);
      expect(isWorkingDay('2027-10-01')).toBe(true);
      expect(isWorkingDay('2027-10-02')).toBe(false);
      expect(addWorkingDays('2027-09-24', 15)).toBe('2027-10-15');
      expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
      expect(workingDaysBetween('2026-12-31', '2027-12-31')).toBe(261);
      expect(isWorkingDay('2023-10-02')).toBe(true); // 2023 (a 国庆 holiday then) is not encoded either
    });
  });

  describe('input validation', () => {
    it('rejects malformed or impossible dates', () => {
      expect(() => isWorkingDay('2025-02-29')).toThrow(RangeError);
      expect(() => isWorkingDay('2025/03/05')).toThrow(RangeError);
      expect(() => isWorkingDay('2025-3-5')).toThrow(RangeError);
      expect(() => workingDaysBetween('2025-03-05', '')).toThrow(RangeError);
    });

    it('rejects negative or fractional day counts', () => {
      expect(() => addWorkingDays('2025-03-05', -1)).toThrow(RangeError);
      expect(() => addWorkingDays('2025-03-05', 1.5)).toThrow(RangeError);
      expect(() => addWorkingDays('2025-03-05', Number.NaN)).toThrow(RangeError);
    });
  });
});
