import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { complaintIdentities, complaints, complaintSubmissions } from '../../../../db/schema/complaints.ts';
import { createTestDatabase, type TestDatabase } from '../../../../tests/support/test-db.ts';
import { queryRows } from '../db.ts';
import { getConfig } from '../config.ts';
import { decryptBytes, decryptJson, formatReceipt, normaliseReceipt } from './crypto.ts';
import sharp from 'sharp';

async function databaseError(query: Promise<unknown>): Promise<string> {
  try {
    await query;
  } catch (error) {
    return (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
  }
  return 'no error';
}
import { fileComplaint } from './filing.ts';
import { addMaterial, fileObjection, rateOutcome, trackComplaint } from './tracking.ts';
import { actOnComplaint } from './console.ts';
import { decide } from '../../../../tests/support/complaint-steps.ts';
import { users } from '../../../../db/schema/auth.ts';
import { escalationTarget, routeComplaint } from './routing.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(async () => test?.dispose());

const anonymous = {
  category: 'assets',
  areaCode: '990121001201',
  subjectRole: '村（社区）“两委”干部',
  title: '村北机动地发包没有公开招标',
  content: '今年三月村北四十多亩机动地重新发包，没有张贴公告也没有开会，直接包给了村干部的亲戚，价格比往年低一半。',
  occurredOn: '2026-03-20',
  anonymous: true,
};

describe('routing by jurisdiction over the person (管理权限)', () => {
  it('sends everyone but county leaders to the county commission of the place, county leaders to the city', () => {
    for (const level of ['village_cadre', 'township_cadre', 'township_leader', 'county_staff', 'county_dept_leader', 'unknown'] as const) {
      expect(routeComplaint('990121001201', level), level).toBe('990121000000');
      expect(routeComplaint('990121001000', level), level).toBe('990121000000');
      // A county department's staff are the county's, not the city's (the old rule sent them up).
      expect(routeComplaint('990121000000', level), level).toBe('990121000000');
    }
    for (const place of ['990121001201', '990121001000', '990121000000']) expect(routeComplaint(place, 'county_leader')).toBe('990100000000');
  });

  it('sends a complaint about the commission’s own head one level up', () => {
    expect(routeComplaint('990121001201', 'village_cadre', true)).toBe('990100000000');
    expect(routeComplaint('990121000000', 'county_leader', true)).toBe('990000000000');
    expect(escalationTarget('990121000000')).toBe('990100000000');
    expect(escalationTarget('990100000000')).toBe('990000000000');
  });

  it('files a complaint about a county department’s employee at the county, one about a county leader at the city', async () => {
    const about = async (subjectLevel: string, title: string) => {
      expect((await fileComplaint(test.db, { ...anonymous, areaCode: '990121000000', subjectLevel, subjectRole: null, title })).ok).toBe(true);
      return (await test.db.select().from(complaints).where(eq(complaints.title, title)))[0]!;
    };
    expect(await about('county_staff', '县民政局工作人员索要好处费')).toMatchObject({ routedScopeCode: '990121000000', subjectLevel: 'county_staff' });
    expect(await about('county_leader', '副县长插手工程招标')).toMatchObject({ routedScopeCode: '990100000000', subjectLevel: 'county_leader' });
    // The JSON API may leave the question out: 不清楚, which the county handles.
    const unasked = (await fileComplaint(test.db, { ...anonymous, title: '没有回答类别的反映' }).then(async () => (await test.db.select().from(complaints).where(eq(complaints.title, '没有回答类别的反映')))[0]))!;
    expect(unasked).toMatchObject({ subjectLevel: 'unknown', routedScopeCode: '990121000000', arrivedOn: unasked.filedOn });
    const refused = await fileComplaint(test.db, { ...anonymous, subjectLevel: 'mayor', title: '类别不对的反映' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.errors.subjectLevel).toMatch(/被反映人/);
  });
});

describe('filing a complaint', () => {
  it('files anonymously, routes to the county, and keeps only a keyed hash of the receipt', async () => {
    const result = await fileComplaint(test.db, anonymous, { today: '2026-11-26' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.receipt).toMatch(/^\d{16}$/);
    const rows = await test.db.select().from(complaints);
    const row = rows.find((c) => c.title === anonymous.title)!;
    expect(row).toMatchObject({ routedScopeCode: '990121000000', villageCode: '990121001201', filedOn: '2026-11-26', anonymous: true, status: 'received' });
    expect(JSON.stringify(rows)).not.toContain(result.value.receipt);
    expect(await test.db.select().from(complaintIdentities).where(eq(complaintIdentities.complaintId, row.id))).toEqual([]);
  });

  it('stores no time finer than the day with a complaint', async () => {
    // Every table a filing or a citizen's own action writes is found from the rows themselves
    // (their xmin), so a table added later cannot slip past the sweep.
    const sanghe = { ...(await test.db.select().from(users).where(eq(users.username, 'sanghe.jw')))[0]!, username: 'sanghe.jw' };
    const touched = new Map<string, string[]>();
    async function citizen(step: () => Promise<{ ok: boolean }>): Promise<void> {
      const [{ xid }] = (await queryRows<{ xid: string }>(test.db, sql`select (pg_current_xact_id()::text::bigint % 4294967296)::text as xid`)) as [{ xid: string }];
      expect((await step()).ok).toBe(true);
      for (const table of await queryRows<{ name: string }>(test.db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)) {
        const rows = await queryRows<{ row: string }>(test.db, sql`select row_to_json(t)::text as row from ${sql.identifier(table.name)} t where t.xmin::text::bigint > ${xid}::bigint`);
        if (rows.length) touched.set(table.name, [...(touched.get(table.name) ?? []), ...rows.map((r) => r.row)]);
      }
    }
    const photo = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#686' } }).jpeg().withExif({ IFD0: { Model: 'SweepPhone' } }).toBuffer();
    let receipt = '';
    await citizen(async () => {
      const filed = await fileComplaint(
        test.db,
        { ...anonymous, title: '时间清查：村委会账外收取宅基地费', anonymous: false, name: '刘春梅', phone: '13811112222' },
        { idempotencyKey: 'sweep-key-0123456789abcdef', files: [{ bytes: new Uint8Array(photo), name: 'IMG_0815.jpg' }], keepMetadata: true },
      );
      if (filed.ok) receipt = filed.value.receipt;
      return filed;
    });
    await citizen(() => addMaterial(test.db, receipt, { text: '补充：收费时村会计写的白条我拍了照片，共收了六户人家。' }));
    const [{ id }] = (await test.db.select({ id: complaints.id }).from(complaints).where(eq(complaints.title, '时间清查：村委会账外收取宅基地费'))) as [{ id: string }];
    expect((await actOnComplaint(test.db, sanghe, { complaintId: id, action: 'accept' })).ok).toBe(true);
    await decide(test.db, id, 'conclude', '经核实，村委会收取的费用已全部退还农户，对村会计予以批评教育。');
    await citizen(() => rateOutcome(test.db, receipt, { rating: 2 }));
    await citizen(() => fileObjection(test.db, receipt, { reasons: '退还的只有四户，还有两户没有退，答复与事实不符，请重新核查。' }));

    // The sweep saw the filing's writes (and no audit row: a citizen's actions are not logged); the
    // objection tells the handler in the inbox (staff_notices), which must be as timeless as the rest.
    expect([...touched.keys()].sort()).toEqual(['attachments', 'complaint_case_counters', 'complaint_events', 'complaint_flow_counts', 'complaint_identities', 'complaint_objections', 'complaint_submissions', 'complaints', 'staff_notices']);
    const columns = await queryRows<{ table_name: string; column_name: string; data_type: string; is_identity: string; column_default: string | null }>(
      test.db,
      sql`select table_name, column_name, data_type, is_identity, column_default from information_schema.columns
           where table_schema = 'public' and table_name in (${sql.join([...touched.keys()].map((name) => sql`${name}`), sql`, `)})`,
    );
    // Voucher scans share the attachments table and keep their upload time; a CHECK keeps it
    // empty on every complaint file (asserted on the rows below).
    const VOUCHER_ONLY = new Set(['attachments.created_at']);
    expect(columns.filter((c) => /^time/.test(c.data_type) && !VOUCHER_ONLY.has(`${c.table_name}.${c.column_name}`)).map((c) => `${c.table_name}.${c.column_name}`)).toEqual([]);
    // A counter shared by all cases would order a filing against staff steps whose times are logged.
    expect(columns.filter((c) => c.is_identity === 'YES' || /nextval/.test(c.column_default ?? '')).map((c) => `${c.table_name}.${c.column_name}`)).toEqual([]);
    for (const [table, rows] of touched) {
      for (const row of rows) {
        expect(row, table).not.toMatch(/\d{2}:\d{2}/);
        for (const column of VOUCHER_ONLY) if (column.startsWith(`${table}.`)) expect(JSON.parse(row)[column.split('.')[1]!], column).toBeNull();
      }
    }
    expect(touched.get('complaint_events')!.map((row) => JSON.parse(row).kind)).toEqual(['received', 'material', 'rated', 'objected']);
    expect(await databaseError(test.db.execute(sql`insert into attachments (id, kind, complaint_id, mime, size_bytes, sha256, stripped, bytes, created_at)
      values (${crypto.randomUUID()}, 'complaint', ${id}, 'image/jpeg', 1, 'x', true, '\\x00', now())`))).toMatch(/attachments_time_only_for_vouchers/);
  });

  it('sends a complaint about the commission’s own head to the level above', async () => {
    const result = await fileComplaint(test.db, { ...anonymous, title: '县纪委负责人干预村级发包', aboutCommissionHead: true });
    expect(result.ok).toBe(true);
    const [row] = await test.db.select().from(complaints).where(eq(complaints.title, '县纪委负责人干预村级发包'));
    expect(row!.routedScopeCode).toBe('990100000000');
  });

  it('links a published ledger entry of the place, and refuses one from elsewhere', async () => {
    const [entry] = await queryRows<{ id: number }>(test.db, sql`select e.id from fund_entries e join disclosures d on d.id = e.disclosure_id where d.village_code = '990121001202' and d.status = 'published' limit 1`);
    const linked = await fileComplaint(test.db, { ...anonymous, areaCode: '990121001202', title: '对后营村一笔支出有疑问', fundEntryId: Number(entry!.id) });
    expect(linked.ok).toBe(true);
    const foreign = await fileComplaint(test.db, { ...anonymous, areaCode: '990121001201', title: '指向别村账目', fundEntryId: Number(entry!.id) });
    expect(foreign.ok === false && foreign.errors.fundEntryId).toMatch(/不在该地区/);
  });

  it('encrypts a real-name reporter’s name and phone', async () => {
    const result = await fileComplaint(test.db, { ...anonymous, title: '低保评定优亲厚友', anonymous: false, name: '张秀英', phone: '13912345678' });
    expect(result.ok).toBe(true);
    const [row] = await test.db.select().from(complaints).where(eq(complaints.title, '低保评定优亲厚友'));
    const [identity] = await test.db.select().from(complaintIdentities).where(eq(complaintIdentities.complaintId, row!.id));
    expect(identity!.ciphertext).not.toContain('张秀英');
    expect(identity!.ciphertext).not.toContain('13912345678');
    expect(decryptJson(getConfig().complaintKey, identity!.ciphertext)).toEqual({ name: '张秀英', phone: '13912345678' });
  });

  it.each([
    [{ category: 'rumour' }, 'category'],
    [{ areaCode: '99012100120' }, 'areaCode'],
    [{ areaCode: '990100000000' }, 'areaCode'],
    [{ title: '短' }, 'title'],
    [{ content: '太短了' }, 'content'],
    [{ occurredOn: '2026-02-30' }, 'occurredOn'],
    [{ subjectRole: '县长' }, 'subjectRole'],
    [{ anonymous: false }, 'name'],
    [{ anonymous: false, name: '李四', phone: '12345' }, 'phone'],
    [{ itemCode: 'ZZ-99' }, 'itemCode'],
    [{ villageCode: '990122001201' }, 'villageCode'],
  ])('refuses %o with a Chinese message on %s, storing nothing', async (change, field) => {
    const before = (await test.db.select({ id: complaints.id }).from(complaints)).length;
    const result = await fileComplaint(test.db, { ...anonymous, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toMatch(/[\u4e00-\u9fa5]/);
    expect((await test.db.select({ id: complaints.id }).from(complaints)).length).toBe(before);
  });

  it('never files a resubmitted form twice, and shows the same receipt again', async () => {
    const key = 'form-key-0123456789abcdef';
    const first = await fileComplaint(test.db, { ...anonymous, title: '村道硬化工程偷工减料' }, { idempotencyKey: key });
    const again = await fileComplaint(test.db, { ...anonymous, title: '村道硬化工程偷工减料' }, { idempotencyKey: key });
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again).toEqual({ ok: true, value: { receipt: first.value.receipt, repeated: true, complaintId: first.value.complaintId } });
    expect(await test.db.select().from(complaints).where(eq(complaints.title, '村道硬化工程偷工减料'))).toHaveLength(1);
    const [sealed] = await test.db.select().from(complaintSubmissions);
    expect(sealed!.receiptCiphertext).not.toContain(first.value.receipt);
  });
});

describe('attachments', () => {
  const photo = () =>
    sharp({ create: { width: 32, height: 24, channels: 3, background: '#777' } })
      .jpeg()
      .withExif({ IFD0: { Model: 'ReporterPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1' } })
      .toBuffer();

  it('stores photos without metadata, and the original only encrypted and only on request', async () => {
    const bytes = new Uint8Array(await photo());
    const plain = await fileComplaint(test.db, { ...anonymous, title: '附件测试：不保留原图' }, { files: [{ bytes, name: 'a.jpg' }] });
    const kept = await fileComplaint(test.db, { ...anonymous, title: '附件测试：保留原图' }, { files: [{ bytes, name: 'b.jpg' }], keepMetadata: true });
    expect(plain.ok && kept.ok).toBe(true);
    const rows = await queryRows<{ title: string; bytes: Uint8Array; original_ciphertext: Uint8Array | null; stripped: boolean }>(
      test.db,
      sql`select c.title, a.bytes, a.original_ciphertext, a.stripped from attachments a join complaints c on c.id = a.complaint_id where c.title like '附件测试%' order by c.title`,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.stripped).toBe(true);
      expect(Buffer.from(row.bytes).includes(Buffer.from('ReporterPhone'))).toBe(false);
      expect((await sharp(Buffer.from(row.bytes)).metadata()).exif).toBeUndefined();
    }
    const keptRow = rows.find((row) => row.title.endsWith('保留原图') && !row.title.includes('不'))!;
    expect(keptRow.original_ciphertext).not.toBeNull();
    expect(Buffer.from(keptRow.original_ciphertext!).includes(Buffer.from('ReporterPhone'))).toBe(false);
    expect(Buffer.from(decryptBytes(getConfig().complaintKey, keptRow.original_ciphertext!)).includes(Buffer.from('ReporterPhone'))).toBe(true);
    expect(rows.find((row) => row.title.includes('不保留'))!.original_ciphertext).toBeNull();
  });

  it('refuses a hostile file by name, and stores nothing of the complaint', async () => {
    const result = await fileComplaint(test.db, { ...anonymous, title: '附件测试：坏文件' }, { files: [{ bytes: new TextEncoder().encode('<html><script>x</script>'), name: 'evidence.jpg' }] });
    expect(result).toEqual({ ok: false, errors: { attachments: expect.stringMatching(/第1个文件（evidence\.jpg）：无法识别/) } });
    const [count] = await queryRows<{ n: number }>(test.db, sql`select count(*)::int as n from complaints where title = '附件测试：坏文件'`);
    expect(count!.n).toBe(0);
  });

  it('takes at most five files', async () => {
    const bytes = new Uint8Array(await photo());
    const result = await fileComplaint(test.db, { ...anonymous, title: '附件测试：太多' }, { files: Array.from({ length: 6 }, (_, i) => ({ bytes, name: `${i}.jpg` })) });
    expect(result.ok === false && result.errors.attachments).toMatch(/最多/);
  });

  it('never lets a complaint attachment be changed or deleted', async () => {
    expect(await databaseError(test.db.execute(sql`delete from attachments where kind = 'complaint'`))).toMatch(/cannot be changed or deleted/);
    expect(await databaseError(test.db.execute(sql`update attachments set mime = 'text/html' where kind = 'complaint'`))).toMatch(/cannot be changed/);
  });
});

describe('tracking', () => {
  it('shows the holder of the receipt the status and public steps, whatever the spacing', async () => {
    const filed = await fileComplaint(test.db, { ...anonymous, title: '残疾人补贴被截留' }, { today: '2026-11-20' });
    if (!filed.ok) throw new Error('filing failed');
    const view = await trackComplaint(test.db, formatReceipt(filed.value.receipt));
    expect(view).toMatchObject({ status: 'received', title: '残疾人补贴被截留', filedOn: '2026-11-20', timeline: [{ on: '2026-11-20', kind: 'received', text: null }] });
  });

  it('finds nothing for a wrong or malformed code', async () => {
    expect(await trackComplaint(test.db, '0000000000000000')).toBeNull();
    expect(await trackComplaint(test.db, '12345')).toBeNull();
    expect(await trackComplaint(test.db, "' or 1=1 --")).toBeNull();
    expect(normaliseReceipt('１２３４-５６７８ ９０１２ ３４５６')).toBe('1234567890123456');
  });
});
