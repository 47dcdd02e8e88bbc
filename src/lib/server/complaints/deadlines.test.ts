/**
 * The time limits of issue 11 item 10, in working days on the holiday calendar: forwarding (5),
 * hand-down and transfer (as the county sets), and limits counted from a given restart date (the
 * day a case arrived where it is now, which a later reopening sets), so a reopened case is not
 * overdue the day it reopens.
 */
import { describe, expect, it } from 'vitest';
import { caseDeadlines, DEFAULT_TIME_LIMITS, forwardDue, nextDeadline, objectionDue, referralDue } from './deadlines.ts';

describe('forwarding within 5 working days of arrival', () => {
  it('skips the National Day holiday and counts its make-up Sunday', () => {
    // Arrived Friday 26 September 2025: Sun 28 (调休上班), Mon 29, Tue 30, then 1–8 October off, Thu 9, Fri 10.
    expect(forwardDue('2025-09-26')).toBe('2025-10-10');
    // An ordinary week: Monday to the next Monday.
    expect(forwardDue('2026-11-02')).toBe('2026-11-09');
  });

  it('is shown only while the case waits for acceptance, and never makes it overdue', () => {
    const received = { status: 'received' as const, arrivedOn: '2025-09-26' };
    expect(caseDeadlines(received, null, '2025-10-20').map((d) => d.kind)).toEqual(['accept']);
  });
});

describe('hand-down and transfer limits, as the county sets them', () => {
  const county = { handDownDays: 10, transferDays: 5 };

  it('count working days from the day sent, across 国庆 2026 and its make-up Saturday', () => {
    // Sent Monday 28 September 2026: 29, 30, (1–7 October off), 8, 9, Sat 10 (调休上班), 12–16.
    expect(referralDue('hand_down', '2026-09-28', county)).toBe('2026-10-16');
    expect(referralDue('transfer', '2026-09-28', county)).toBe('2026-10-10');
    // A county that set nothing: 30 and 15 working days.
    expect(referralDue('hand_down', '2026-11-02', DEFAULT_TIME_LIMITS)).toBe('2026-12-14');
    expect(referralDue('transfer', '2026-11-02', DEFAULT_TIME_LIMITS)).toBe('2026-11-23');
  });

  it('are the next deadline while open, with the conclusion target behind them; a report in waits for review without one', () => {
    const working = { status: 'in_progress' as const, arrivedOn: '2026-09-01' };
    const open = { kind: 'hand_down' as const, state: 'open' as const, dueOn: '2026-10-16' };
    expect(caseDeadlines(working, open, '2026-10-19')).toEqual([
      { kind: 'handDown', due: '2026-10-16', overdue: true },
      { kind: 'conclude', due: '2026-11-30', overdue: false },
    ]);
    expect(nextDeadline(working, { ...open, state: 'reported' }, '2026-10-19')).toEqual({ kind: 'conclude', due: '2026-11-30', overdue: false });
    expect(nextDeadline(working, { kind: 'transfer', state: 'open', dueOn: '2026-10-10' }, '2026-10-09')).toEqual({ kind: 'transfer', due: '2026-10-10', overdue: false });
    // A press (督办) sets a new date on the referral: the deadline follows it.
    expect(nextDeadline(working, { ...open, dueOn: '2026-10-30' }, '2026-10-19')).toEqual({ kind: 'handDown', due: '2026-10-30', overdue: false });
  });
});

describe('limits counted from a given restart date', () => {
  it('counts acceptance and conclusion from the day the case arrived where it is, not from its filing', () => {
    // Filed in January, reopened (or forwarded, escalated) on Monday 2 November 2026.
    expect(nextDeadline({ status: 'received', arrivedOn: '2026-11-02' }, null, '2026-11-10')).toEqual({ kind: 'accept', due: '2026-11-23', overdue: false });
    expect(nextDeadline({ status: 'accepted', arrivedOn: '2026-11-02' }, null, '2026-11-10')).toEqual({ kind: 'conclude', due: '2027-01-31', overdue: false });
    // The same case counted from its January filing would have been overdue long ago.
    expect(nextDeadline({ status: 'received', arrivedOn: '2026-01-05' }, null, '2026-11-10')?.overdue).toBe(true);
  });
});

describe('answering an objection within 15 working days', () => {
  it('counts across 国庆, and is the one deadline a concluded case with an open objection faces', () => {
    // Recorded Friday 26 September 2025: Sun 28 (调休上班), 29, 30, then 1–8 October off, Thu 9, Fri 10,
    // Sat 11 (调休上班), and on to Thursday 23.
    expect(objectionDue('2025-09-26')).toBe('2025-10-23');
    const concluded = { status: 'concluded' as const, arrivedOn: '2025-06-02' };
    expect(nextDeadline(concluded, null, '2025-10-20')).toBeNull();
    expect(nextDeadline(concluded, null, '2025-10-20', { state: 'open', dueOn: '2025-10-23' })).toEqual({ kind: 'objection', due: '2025-10-23', overdue: false });
    expect(nextDeadline(concluded, null, '2025-10-24', { state: 'open', dueOn: '2025-10-23' })?.overdue).toBe(true);
    expect(nextDeadline(concluded, null, '2025-10-20', { state: 'answered', dueOn: '2025-10-23' })).toBeNull();
  });
});
