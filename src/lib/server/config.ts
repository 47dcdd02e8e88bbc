/**
 * The one place that reads the environment. Everything else asks `getConfig()`.
 * Validation happens once, at start-up; in production a bad setting stops the process
 * instead of being discovered by the first unlucky request.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const EnvSchema = z.object({
  APP_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(4321),
  HOST: optionalString,
  DATABASE_URL: optionalString,
  DATA_DIR: optionalString,
  /** `off` skips the demo seed even outside production (e.g. a clean staging database). */
  DEMO_SEED: z.enum(['on', 'off']).default('on'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** How often villages must disclose; quarterly is the default rule. */
  DISCLOSURE_CADENCE: z.enum(['quarterly', 'monthly']).default('quarterly'),
  /** Red-flag thresholds for reviewers, in yuan. */
  FLAG_DECISION_YUAN: z.coerce.number().int().positive().default(50_000),
  FLAG_CASH_YUAN: z.coerce.number().int().positive().default(2_000),
  /** Debts register: a receivable or payable at or above this (yuan), or older than this many years, is flagged. */
  FLAG_DEBT_YUAN: z.coerce.number().int().positive().default(50_000),
  FLAG_DEBT_YEARS: z.coerce.number().int().positive().default(3),
  /** A single receipt or payment at or above this (yuan) is a major matter, disclosed at once (the catalog's 5万元以上重大事项). */
  MAJOR_MATTER_YUAN: z.coerce.number().int().positive().default(50_000),
  /** `off` serves every public page through Astro (the benchmark's "cache off" runs, debugging). */
  FRONT_CACHE: z.enum(['on', 'off']).default('on'),
  /** Memory the front cache may keep for page bodies, in MB (all encodings counted). */
  FRONT_CACHE_MB: z.coerce.number().int().min(1).max(4096).default(64),
  /** `off` skips the complaint proof-of-work, for tests and benchmarks only; refused in production. */
  PROOF_OF_WORK: z.enum(['on', 'off']).default('on'),
  /** Target for concluding a complaint, in calendar days from filing. */
  COMPLAINT_CONCLUDE_DAYS: z.coerce.number().int().min(15).max(365).default(90),
  /** 32 random bytes, base64: encrypts real-name complainants' details (AES-256-GCM). */
  COMPLAINT_KEY: optionalString,
  /** 32 random bytes, base64: keys the hash under which receipt codes are stored. */
  RECEIPT_KEY: optionalString,
  /** 32 random bytes, base64: keys the hash under which livelihood recipients' ID numbers are stored (HMAC-SHA256). */
  LIVELIHOOD_ID_KEY: optionalString,
  /**
   * Forwarding proxies whose X-Forwarded-For is believed (addresses, CIDR ranges, or loopback /
   * linklocal / uniquelocal), separated by commas or spaces. Unset: the header is ignored.
   */
  TRUSTED_PROXIES: optionalString,
  /** Staff notice digests by e-mail: a nodemailer URL (smtps://user:pass@mail.example.gov.cn:465) and the sender address. */
  SMTP_URL: optionalString,
  SMTP_FROM: optionalString,
  /** Staff notice digests by an HTTPS webhook (an SMS gateway or a messaging robot), with an optional bearer token. */
  NOTIFY_WEBHOOK_URL: optionalString,
  NOTIFY_WEBHOOK_TOKEN: optionalString,
  /** How often the digest of new notices is sent, in minutes (one message per person per round). */
  NOTIFY_DIGEST_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  /** Test-only: a digest round every N seconds instead (the browser tests wait for a real message); refused in production. */
  NOTIFY_DIGEST_SECONDS: z.coerce.number().int().min(1).max(3600).optional(),
  /**
   * 32 random bytes, base64: the Ed25519 seed (private key) that signs the ledger log's daily
   * checkpoints (ledger-log/checkpoints.ts). Witnesses pin its public key.
   */
  CHECKPOINT_SIGNING_KEY: optionalString,
  /** The ledger log's name, the checkpoints' first line and their key's name; by default the public origin's host + /ledgers. */
  CHECKPOINT_ORIGIN: optionalString,
  /** The origin citizens and staff use (https://…), when a proxy sits in front of the app. */
  PUBLIC_ORIGIN: optionalString.pipe(z.url({ message: 'PUBLIC_ORIGIN must be a URL such as https://ydt.example.gov.cn' }).optional()),
});

export interface AppConfig {
  env: 'development' | 'test' | 'production';
  isProduction: boolean;
  port: number;
  host: string | undefined;
  /** The front cache ahead of Astro (src/server/front-cache.ts), and its memory bound in bytes. */
  frontCache: { enabled: boolean; maxBytes: number };
  /** postgres.js connection string; when absent the embedded PGlite database is used. */
  databaseUrl: string | undefined;
  /** Where PGlite keeps its files (absolute). */
  dataDir: string;
  seedDemo: boolean;
  logLevel: LogLevel;
  /** Origin accepted for state-changing requests besides the request's own (no trailing slash). */
  publicOrigin: string | undefined;
  disclosureCadence: 'quarterly' | 'monthly';
  /** An expense at or above this (fen) needs a village meeting decision (四议两公开). */
  flagDecisionFen: number;
  /** Cash payments above this (fen) are flagged. */
  flagCashFen: number;
  /** A debt at or above this (fen) is flagged as large. */
  flagDebtFen: number;
  /** A debt older than this many years at the period's end is flagged as old. */
  flagDebtYears: number;
  /** A single entry at or above this (fen) is a major matter, disclosed at once. */
  majorMatterFen: number;
  /** Secrets; in development generated once and kept in DATA_DIR/dev-keys.json. */
  complaintKey: Buffer;
  receiptKey: Buffer;
  /** Keys the hash of ID numbers (livelihood/id-number.ts): without it a stored hash cannot be matched, with it the numbers can be tried, so it is kept like the others. */
  livelihoodIdKey: Buffer;
  /** The ledger log (ledger-log/checkpoints.ts): its name and the seed of the key that signs its checkpoints. Secret inside: never log. */
  checkpoint: { origin: string; signingSeed: Buffer };
  complaintConcludeDays: number;
  proofOfWork: boolean;
  /** Proxies whose X-Forwarded-For is believed (see client-address.ts); empty = none. */
  trustedProxies: string[];
  /** Outbound staff notices (notify/inbox.ts); no channel means the in-app inbox only. Secrets inside: never log. */
  notify: {
    smtp: { url: string; from: string } | undefined;
    webhook: { url: string; token: string | undefined } | undefined;
    /** How often a digest round runs: NOTIFY_DIGEST_MINUTES, or the test-only NOTIFY_DIGEST_SECONDS. */
    digestIntervalMs: number;
  };
}

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const isProduction = e.APP_ENV === 'production';
  if (isProduction && !e.DATABASE_URL) {
    // PGlite is a single-process embedded database: fine for a demo, wrong for a deployment
    // that must survive restarts, run several instances and be backed up with standard tools.
    throw new ConfigError('APP_ENV=production requires DATABASE_URL (a PostgreSQL server).');
  }
  if (isProduction && e.PROOF_OF_WORK === 'off') {
    throw new ConfigError('PROOF_OF_WORK=off is a test-only switch and is refused when APP_ENV=production.');
  }
  if (isProduction && !e.PUBLIC_ORIGIN?.startsWith('https://')) {
    // Secure cookies and the same-origin check both depend on knowing the public https origin.
    throw new ConfigError('APP_ENV=production requires PUBLIC_ORIGIN, the https:// address people use.');
  }
  const notify = notifyOf(e, isProduction);
  const complaintKey = secretKey('COMPLAINT_KEY', e.COMPLAINT_KEY, isProduction, dataDirOf(e.DATA_DIR));
  const receiptKey = secretKey('RECEIPT_KEY', e.RECEIPT_KEY, isProduction, dataDirOf(e.DATA_DIR));
  if (isProduction && complaintKey.equals(receiptKey)) {
    // One secret for both would let whoever holds the receipt key also decrypt identities.
    throw new ConfigError('COMPLAINT_KEY and RECEIPT_KEY must be different keys (generate each with openssl rand -base64 32).');
  }
  const livelihoodIdKey = secretKey('LIVELIHOOD_ID_KEY', e.LIVELIHOOD_ID_KEY, isProduction, dataDirOf(e.DATA_DIR));
  if (isProduction && (livelihoodIdKey.equals(complaintKey) || livelihoodIdKey.equals(receiptKey))) {
    // ID-number hashes are shared with registry imports; they must not open complaints or receipts.
    throw new ConfigError('LIVELIHOOD_ID_KEY must differ from COMPLAINT_KEY and RECEIPT_KEY (generate it with openssl rand -base64 32).');
  }
  const checkpoint = checkpointOf(e, isProduction, [complaintKey, receiptKey, livelihoodIdKey]);
  return {
    env: e.APP_ENV,
    checkpoint,
    complaintKey,
    receiptKey,
    livelihoodIdKey,
    complaintConcludeDays: e.COMPLAINT_CONCLUDE_DAYS,
    proofOfWork: e.PROOF_OF_WORK === 'on',
    trustedProxies: trustedProxiesOf(e.TRUSTED_PROXIES),
    isProduction,
    port: e.PORT,
    host: e.HOST,
    frontCache: { enabled: e.FRONT_CACHE === 'on', maxBytes: e.FRONT_CACHE_MB * 1024 * 1024 },
    databaseUrl: e.DATABASE_URL,
    dataDir: dataDirOf(e.DATA_DIR),
    // Production never receives demo data, whatever DEMO_SEED says.
    seedDemo: !isProduction && e.DEMO_SEED === 'on',
    logLevel: e.LOG_LEVEL,
    publicOrigin: e.PUBLIC_ORIGIN ? new URL(e.PUBLIC_ORIGIN).origin : undefined,
    disclosureCadence: e.DISCLOSURE_CADENCE,
    flagDecisionFen: e.FLAG_DECISION_YUAN * 100,
    flagCashFen: e.FLAG_CASH_YUAN * 100,
    flagDebtFen: e.FLAG_DEBT_YUAN * 100,
    flagDebtYears: e.FLAG_DEBT_YEARS,
    majorMatterFen: e.MAJOR_MATTER_YUAN * 100,
    notify,
  };
}

/**
 * The notice channels. In production both must be encrypted (smtps://, https://): the messages carry
 * case numbers and staff addresses. Messages name the variable, never its value (it holds passwords).
 */
function notifyOf(e: z.infer<typeof EnvSchema>, isProduction: boolean): AppConfig['notify'] {
  let smtp: AppConfig['notify']['smtp'];
  if (e.SMTP_URL) {
    const scheme = /^(smtps?):\/\//i.exec(e.SMTP_URL)?.[1]?.toLowerCase();
    if (!scheme) throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL (e.g. smtps://user:password@mail.example.gov.cn:465).');
    if (isProduction && scheme !== 'smtps') throw new ConfigError('APP_ENV=production requires SMTP_URL to use TLS (smtps://…:465).');
    if (!e.SMTP_FROM || !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(e.SMTP_FROM)) throw new ConfigError('SMTP_URL needs SMTP_FROM, the sender address (e.g. noreply@ydt.example.gov.cn).');
    smtp = { url: e.SMTP_URL, from: e.SMTP_FROM };
  }
  let webhook: AppConfig['notify']['webhook'];
  if (e.NOTIFY_WEBHOOK_URL) {
    let url: URL;
    try {
      url = new URL(e.NOTIFY_WEBHOOK_URL);
    } catch {
      throw new ConfigError('NOTIFY_WEBHOOK_URL must be a URL (https://sms.example.gov.cn/send).');
    }
    if (url.protocol !== 'https:' && (isProduction || url.protocol !== 'http:')) {
      throw new ConfigError(isProduction ? 'APP_ENV=production requires NOTIFY_WEBHOOK_URL to be https://.' : 'NOTIFY_WEBHOOK_URL must be an http:// or https:// URL.');
    }
    webhook = { url: url.href, token: e.NOTIFY_WEBHOOK_TOKEN };
  }
  if (isProduction && e.NOTIFY_DIGEST_SECONDS !== undefined) {
    throw new ConfigError('NOTIFY_DIGEST_SECONDS is a test-only switch and is refused when APP_ENV=production.');
  }
  return { smtp, webhook, digestIntervalMs: (e.NOTIFY_DIGEST_SECONDS ?? e.NOTIFY_DIGEST_MINUTES * 60) * 1000 };
}

/**
 * The ledger log's name and signing key. The name is what witnesses pin with the public key, so it
 * must be stable: by default the public origin's host + `/ledgers` (`localhost/ledgers` in
 * development). The key is a secret like the others, and a separate one: whoever holds it can sign
 * a checkpoint, and a checkpoint signed over a rewritten history is what the witnesses must catch.
 */
function checkpointOf(e: z.infer<typeof EnvSchema>, isProduction: boolean, otherKeys: Buffer[]): AppConfig['checkpoint'] {
  const origin = e.CHECKPOINT_ORIGIN ?? `${e.PUBLIC_ORIGIN ? new URL(e.PUBLIC_ORIGIN).host : 'localhost'}/ledgers`;
  // A signed note's key name: no spaces or plus signs (c2sp.org/signed-note), and nothing invisible.
  if (origin.length > 200 || /[\s+\u0000-\u001f\u007f]/u.test(origin)) {
    throw new ConfigError('CHECKPOINT_ORIGIN must be a name without spaces or plus signs, such as ydt.example.gov.cn/ledgers.');
  }
  const signingSeed = secretKey('CHECKPOINT_SIGNING_KEY', e.CHECKPOINT_SIGNING_KEY, isProduction, dataDirOf(e.DATA_DIR));
  if (isProduction && otherKeys.some((key) => key.equals(signingSeed))) {
    throw new ConfigError('CHECKPOINT_SIGNING_KEY must differ from COMPLAINT_KEY, RECEIPT_KEY and LIVELIHOOD_ID_KEY (generate it with openssl rand -base64 32).');
  }
  return { origin, signingSeed };
}

/** The TRUSTED_PROXIES list, each entry checked by the same library that later applies it. */
function trustedProxiesOf(value: string | undefined): string[] {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) {
    if (/\/0+$/.test(entry)) {
      throw new ConfigError(`TRUSTED_PROXIES: "${entry}" would trust every address, so any client could choose its own; list the proxy's own address or network.`);
    }
    try {
      proxyaddr.compile([entry]);
    } catch {
      throw new ConfigError(
        `TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range such as 10.0.0.0/8, or one of loopback, linklocal, uniquelocal.`,
      );
    }
  }
  return entries;
}

function dataDirOf(value: string | undefined): string {
  return path.resolve(process.cwd(), value ?? 'data');
}

/**
 * A 32-byte secret from the environment. Production must provide it; elsewhere a key is generated
 * on first use and kept beside the embedded database, so demo data stays readable across restarts.
 */
function secretKey(name: string, value: string | undefined, isProduction: boolean, dataDir: string): Buffer {
  if (value) {
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32) throw new ConfigError(`${name} must be 32 random bytes in base64 (openssl rand -base64 32)`);
    if (isProduction && !looksRandom(key)) {
      throw new ConfigError(`${name} does not look random (repeated bytes or typed text); generate one with openssl rand -base64 32`);
    }
    return key;
  }
  if (isProduction) throw new ConfigError(`APP_ENV=production requires ${name} (openssl rand -base64 32); generated keys are for development only`);
  // Otherwise mkdir below fails with a bare EEXIST that names neither the setting nor the cure.
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new ConfigError(`DATA_DIR (${dataDir}) is not a folder: point it at the folder for the embedded database and its development keys`);
  }
  const file = path.join(dataDir, 'dev-keys.json');
  let keys: Record<string, string> = {};
  if (existsSync(file)) keys = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  if (!keys[name]) {
    keys[name] = randomBytes(32).toString('base64');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  }
  return Buffer.from(keys[name]!, 'base64');
}

/**
 * Catches keys that were typed or patterned instead of generated: all-zero or repeated bytes, and
 * text (every byte printable ASCII). 32 random bytes have about 30 distinct values; fewer than 16
 * or all-printable happens by chance far less than once in 10^13, so no real key is refused.
 */
function looksRandom(key: Buffer): boolean {
  const distinct = new Set(key).size;
  const printable = key.every((byte) => byte >= 0x20 && byte <= 0x7e);
  return distinct >= 16 && !printable;
}

/**
 * The log level alone, for the logger, which exists before the configuration is validated: it is
 * the logger that reports a bad configuration (start.ts), so it cannot wait for `getConfig()`,
 * which would throw first. An invalid LOG_LEVEL logs at `info` until `getConfig()` stops the
 * process naming it.
 */
export function logLevelOf(env: Record<string, string | undefined> = process.env): LogLevel {
  const parsed = EnvSchema.shape.LOG_LEVEL.safeParse(env.LOG_LEVEL);
  return parsed.success ? parsed.data : 'info';
}

let cached: AppConfig | undefined;

export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
