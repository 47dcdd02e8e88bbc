import { describe, expect, it } from 'vitest';
import { FUND_COLUMNS, parseFundEntriesFile } from './index.ts';
import { csv, expectSingleError, HEADER, withBom, xlsx } from '../../../../../tests/support/ledger-import.ts';

describe('parseFundEntriesFile: any file', () => {
  it('refuses an empty file, a blank CSV and a header-only file', async () => {
    expect(expectSingleError(await parseFundEntriesFile(new Uint8Array(), 'a.csv'), null, null).message).toContain('空');
    expect(expectSingleError(await parseFundEntriesFile(withBom(csv('', '  ')), 'a.csv'), null, null).message).toContain('空');
    expect(expectSingleError(await parseFundEntriesFile(withBom(csv(HEADER)), 'a.csv'), null, null).message).toContain('只有表头');
    expect(expectSingleError(await parseFundEntriesFile(await xlsx([[...FUND_COLUMNS]]), 'a.xlsx'), null, null).message).toContain('只有表头');
  });

  it('refuses a file over 5 MB', async () => {
    const error = expectSingleError(await parseFundEntriesFile(new Uint8Array(5 * 1024 * 1024 + 1).fill(0x41), 'a.csv'), null, null);
    expect(error.message).toContain('5 MB');
  });
});
