import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { attachments } from '../../../../db/schema/attachments.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { signOff } from '../../../../tests/support/ledgers.ts';
import { addFundEntry, deleteFundEntry, openDraft } from './disclosures.ts';
import { addVoucher, getVoucher, listVouchers, MAX_VOUCHERS_PER_ENTRY, removeVoucher } from './vouchers.ts';

const VILLAGE = '990121003201'; // 白杨村: no demo ledgers
const actor = { id: null as unknown as string, username: 'test.cadre', role: 'cadre' as const, scopeCode: VILLAGE };
let test: TestDatabase;
let draftId = 0;
let photo: Uint8Array;

beforeAll(async () => {
  test = await createTestDatabase();
  const opened = await openDraft(test.db, null, VILLAGE, '2024-Q1');
  if (!opened.ok) throw new Error('open failed');
  draftId = opened.value.id;
  for (const [i, summary] of ['购买村委会办公桌椅', '修理村东路灯'].entries()) {
    const added = await addFundEntry(test.db, null, { disclosureId: draftId, entry: { entryDate: '2024-02-0' + (i + 1), direction: 'expense', amountFen: 86_000 + i, subject: '管理费用', summary, counterparty: '桑河县白杨五金店', voucherNo: `记-2024Q1-00${i + 1}`, method: 'transfer' } });
    if (!added.ok) throw new Error('entry failed');
  }
  photo = new Uint8Array(
    await sharp({ create: { width: 40, height: 30, channels: 3, background: '#ddd' } })
      .jpeg()
      .withExif({ IFD0: { Model: 'VoucherCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1' } })
      .toBuffer(),
  );
});
afterAll(async () => test?.dispose());

async function databaseError(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    return (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
  }
  return 'no error';
}

describe('voucher scans', () => {
  it('stores a photo without its metadata, and refuses what is not an image or PDF', async () => {
    const added = await addVoucher(test.db, actor, draftId, 1, photo);
    expect(added.ok).toBe(true);
    if (!added.ok) return;
    const stored = await getVoucher(test.db, draftId, added.value.id);
    expect(stored).toMatchObject({ mime: 'image/jpeg', stripped: true });
    expect(Buffer.from(stored!.bytes).includes(Buffer.from('VoucherCam'))).toBe(false);
    expect((await sharp(Buffer.from(stored!.bytes)).metadata()).exif).toBeUndefined();
    const text = await addVoucher(test.db, actor, draftId, 1, new TextEncoder().encode('收据'));
    expect(text.ok === false && text.errors.file).toMatch(/无法识别/);
    expect((await addVoucher(test.db, actor, draftId, 99, photo)).ok).toBe(false);
  });

  it('refuses an empty or unreadable scan, naming the file', async () => {
    const empty = await addVoucher(test.db, actor, draftId, 1, new Uint8Array(), '记-2024Q1-001 收据.jpg');
    expect(empty.ok === false && empty.errors.file).toMatch(/记-2024Q1-001 收据\.jpg.*空/);
    const broken = await addVoucher(test.db, actor, draftId, 1, new TextEncoder().encode('%PDF-1.7\n扫描件已损坏 <<<\n%%EOF\n'), '发票.pdf');
    expect(broken.ok === false && broken.errors.file).toMatch(/发票\.pdf.*损坏/);
  });

  it(`allows at most ${MAX_VOUCHERS_PER_ENTRY} scans per entry`, async () => {
    for (let i = 0; i < MAX_VOUCHERS_PER_ENTRY; i++) await addVoucher(test.db, actor, draftId, 2, photo);
    const extra = await addVoucher(test.db, actor, draftId, 2, photo);
    expect(extra.ok === false && extra.errors.file).toMatch(/最多/);
    const byEntry = await listVouchers(test.db, draftId);
    expect([...byEntry.values()].map((list) => list.length).sort()).toEqual([1, MAX_VOUCHERS_PER_ENTRY]);
    expect(byEntry.values().next().value![0]).not.toHaveProperty('bytes');
  });

  it('refuses a scan from a cadre of another village, checked under the disclosure row lock', async () => {
    const other = { ...actor, scopeCode: '990121003202' }; // 柿子沟村's cadre
    expect(await addVoucher(test.db, other, draftId, 1, photo)).toMatchObject({ ok: false, status: 403 });
    const entryOne = [...(await listVouchers(test.db, draftId)).values()].flat();
    expect(await removeVoucher(test.db, other, draftId, entryOne[0]!.id)).toMatchObject({ ok: false, status: 403 });
    expect([...(await listVouchers(test.db, draftId)).values()].flat()).toHaveLength(entryOne.length);
  });

  it('removes a scan, and an entry’s scans go with the entry', async () => {
    const entryTwo = [...(await listVouchers(test.db, draftId)).values()].find((list) => list.length === MAX_VOUCHERS_PER_ENTRY)!;
    expect((await removeVoucher(test.db, actor, draftId, entryTwo[0]!.id)).ok).toBe(true);
    expect((await deleteFundEntry(test.db, null, { disclosureId: draftId, lineNo: 2 })).ok).toBe(true);
    const left = await test.db.select({ id: attachments.id }).from(attachments).where(eq(attachments.disclosureId, draftId));
    expect(left).toHaveLength(1);
  });

  it('keeps the scans of a published period for good', async () => {
    expect((await signOff(test.db, draftId, 'published')).ok).toBe(true);
    const [kept] = await test.db.select({ id: attachments.id }).from(attachments).where(eq(attachments.disclosureId, draftId));
    expect((await removeVoucher(test.db, actor, draftId, kept!.id)).ok).toBe(false);
    expect((await addVoucher(test.db, actor, draftId, 1, photo)).ok).toBe(false);
    expect(await databaseError(test.db.execute(sql`delete from attachments where id = ${kept!.id}`))).toMatch(/cannot be changed/);
    expect(await databaseError(test.db.execute(sql`update attachments set mime = 'text/html' where id = ${kept!.id}`))).toMatch(/cannot be changed/);
  });
});
