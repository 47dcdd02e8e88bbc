/**
 * What the ledger log's public routes answer (src/pages/ledgers/*.ts): the latest checkpoint, the
 * log's key, consistency proofs for witnesses and the leaves for monitors. The routes parse
 * nothing themselves; the query strings are checked here, each refusal a 400 saying what to send.
 */
import { z } from 'zod';
import type { Db } from '../db.ts';
import { todayInShanghai } from '../time.ts';
import { consistencyBetween, latestCheckpoint, listLeaves, recordDailyCheckpointSafely, type LogLeaf } from './checkpoints.ts';

export type Answer<T> = { ok: true; value: T } | { ok: false; status: 400 | 503; code: string; message: string };

const refuse = (status: 400 | 503, code: string, message: string): Answer<never> => ({ ok: false, status, code, message });

/** At most this many leaves a request: a page of them is a few tens of kilobytes. */
export const LEAVES_PER_REQUEST = 1000;

/** A tree size: a whole number written plainly (no sign, no leading zeros, no exponent). */
const treeSize = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,14})$/)
  .transform(Number);

const ConsistencyQuery = z.object({ from: treeSize, to: treeSize });
const LeavesQuery = z.object({ start: treeSize, end: treeSize });

const single = (params: URLSearchParams, name: string) => (params.getAll(name).length === 1 ? params.get(name) : undefined);

/** Today's checkpoint as a signed note (made now if the daily job has not run yet), or the latest one. */
export async function checkpointAnswer(db: Db): Promise<Answer<string>> {
  const checkpoint = (await recordDailyCheckpointSafely(db, todayInShanghai())) ?? (await latestCheckpoint(db));
  if (!checkpoint) return refuse(503, 'no_checkpoint', '尚无已签名的检查点，请稍后再试 (no signed checkpoint yet; try again later)');
  return { ok: true, value: checkpoint.note };
}

export interface ConsistencyBody {
  apiVersion: 1;
  from: number;
  to: number;
  /** Base64 hashes, RFC 6962 §2.1.2 order. */
  proof: string[];
}

/** GET /ledgers/consistency?from=M&to=N: the proof that the tree of M leaves is the start of that of N (N at most the latest checkpoint's size). */
export async function consistencyAnswer(db: Db, params: URLSearchParams): Promise<Answer<ConsistencyBody>> {
  const parsed = ConsistencyQuery.safeParse({ from: single(params, 'from'), to: single(params, 'to') });
  if (!parsed.success) return refuse(400, 'bad_parameter', '请各给一次 from 和 to：树的大小，非负整数 (give from and to once each: tree sizes, whole numbers ≥ 0)');
  const { from, to } = parsed.data;
  if (from > to) return refuse(400, 'bad_range', 'from 不能大于 to：日志只增不减 (from must not exceed to: the log only grows)');
  const latest = await latestCheckpoint(db);
  const size = latest?.treeSize ?? 0;
  if (to > size) return refuse(400, 'beyond_checkpoint', `to 不能大于最新检查点的大小 ${size} (to must not exceed the latest checkpoint's size, ${size})`);
  const proof = await consistencyBetween(db, from, to);
  return { ok: true, value: { apiVersion: 1, from, to, proof: proof.map((hash) => hash.toString('base64')) } };
}

export interface LeavesBody {
  apiVersion: 1;
  start: number;
  end: number;
  leaves: LogLeaf[];
}

/** GET /ledgers/leaves?start=A&end=B: leaves A…B−1 (at most LEAVES_PER_REQUEST, within the latest checkpoint). */
export async function leavesAnswer(db: Db, params: URLSearchParams): Promise<Answer<LeavesBody>> {
  const parsed = LeavesQuery.safeParse({ start: single(params, 'start'), end: single(params, 'end') });
  if (!parsed.success) return refuse(400, 'bad_parameter', '请各给一次 start 和 end：叶子序号，非负整数 (give start and end once each: leaf numbers, whole numbers ≥ 0)');
  const { start, end } = parsed.data;
  if (start > end || end - start > LEAVES_PER_REQUEST) {
    return refuse(400, 'bad_range', `start 不能大于 end，一次最多 ${LEAVES_PER_REQUEST} 个叶子 (start must not exceed end; at most ${LEAVES_PER_REQUEST} leaves a request)`);
  }
  const latest = await latestCheckpoint(db);
  const size = latest?.treeSize ?? 0;
  if (end > size) return refuse(400, 'beyond_checkpoint', `end 不能大于最新检查点的大小 ${size} (end must not exceed the latest checkpoint's size, ${size})`);
  return { ok: true, value: { apiVersion: 1, start, end, leaves: await listLeaves(db, start, end) } };
}
