import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password.ts';

describe('password policy', () => {
  it('accepts a long, uncommon password', () => {
    expect(passwordProblem('hou-ying-cun-zhang-9', 'houying.kj')).toBeNull();
    expect(passwordProblem('桑河县前营村 报账 2026', 'qianying.kj')).toBeNull();
  });

  it.each([
    ['a newline (a password piped twice)', 'hou-ying-2026\nhou-ying-2026'],
    ['a carriage return', 'hou-ying-cun-2026\r'],
    ['a tab', 'hou-ying\tcun-2026'],
    ['a NUL byte', 'hou-ying-cun\u00002026'],
    ['DEL', 'hou-ying-cun-2026\u007f'],
    ['a C1 control', 'hou-ying-cun-2026\u0085'],
    ['a Unicode line separator', 'hou-ying-cun\u20282026'],
  ])('refuses %s, saying why', (_, password) => {
    expect(passwordProblem(password, 'houying.kj')).toBe('密码不能包含换行、制表符等控制字符');
  });
});
