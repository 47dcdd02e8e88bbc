/** What a digest says: case numbers and links only, five at most, one message however many wait. */
import { describe, expect, it } from 'vitest';
import { digestMessage, type Notice } from './digest.ts';

describe('the digest', () => {
  it('lists at most five cases and counts the rest, and is nothing when nothing waits', () => {
    const many = Array.from({ length: 8 }, (_, index): Notice => ({ kind: 'assigned', caseNumber: `桑纪举〔2026〕${index + 1}号`, path: `/staff/complaints/${index + 1}` }));
    const message = digestMessage('13800138000', many, 'https://ydt.example.gov.cn')!;
    expect(message.subject).toBe('一点通：8件检举控告事项待您处理');
    expect(message.text.split('\n').filter((line) => line.includes('待您承办'))).toHaveLength(5);
    expect(message.text).toContain('另有3件，请登录查看：https://ydt.example.gov.cn/staff/inbox');
    expect(digestMessage('13800138000', [], 'https://ydt.example.gov.cn')).toBeNull();
  });
});
