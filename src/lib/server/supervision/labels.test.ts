/**
 * The print of a judgement names the codes of its stored snapshot (labels.ts snapshotPointLabel):
 * each source's label as judgements.ts writes it, in zh-CN and English; a label of another shape
 * is shown as stored, never dropped.
 */
import { describe, expect, it } from 'vitest';
import { translator } from '../../../i18n/index.ts';
import { keyRoleKey, snapshotPointLabel } from './labels.ts';

const zh = translator('zh-CN');
const en = translator('en');

describe('snapshotPointLabel', () => {
  it('names the flag kind, the finding, the opinion and the late status', () => {
    expect(snapshotPointLabel({ source: 'flag', label: '2026-Q3 largeCash' }, zh)).toBe('2026-Q3 未说明的红旗预警：大额现金收付');
    expect(snapshotPointLabel({ source: 'finding', label: '桑纪举〔2026〕3号 partly' }, zh)).toBe(`信访举报${zh('complaint.finding.partly')} 桑纪举〔2026〕3号`);
    expect(snapshotPointLabel({ source: 'opinion', label: '2026-Q3 意见#12 2026-11-20' }, zh)).toBe('2026-Q3 第12号监督意见逾期未答复（应于2026-11-20前答复）');
    expect(snapshotPointLabel({ source: 'late', label: '2026-Q3 missing' }, zh)).toBe('2026-Q3账目逾期未建账');
    expect(snapshotPointLabel({ source: 'late', label: '2026-Q2 submitted' }, zh)).toBe('2026-Q2账目逾期未公开');
    expect(snapshotPointLabel({ source: 'flag', label: '2026-Q3 largeCash' }, en)).toBe(`2026-Q3 unanswered red flag: ${en('integrity.flagKind.largeCash')}`);
    expect(snapshotPointLabel({ source: 'opinion', label: '2026-Q3 意见#12 2026-11-20' }, en)).not.toContain('意见');
  });

  it('shows a label of another shape as stored', () => {
    expect(snapshotPointLabel({ source: 'flag', label: '2026-Q3 someNewKind' }, zh)).toBe('2026-Q3 someNewKind');
    expect(snapshotPointLabel({ source: 'hit', label: 'R1 2026-Q3' }, zh)).toBe('R1 2026-Q3');
    expect(snapshotPointLabel({ source: 'finding', label: '' }, zh)).toBe('');
  });

  it('names the ten key-personnel categories in both languages', () => {
    expect(zh(keyRoleKey(6))).toBe('派出所长');
    expect(en(keyRoleKey(6))).toBe('Head of the police station');
    expect(new Set(Array.from({ length: 10 }, (_, i) => en(keyRoleKey(i)))).size).toBe(10);
  });
});
