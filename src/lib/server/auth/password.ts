/**
 * Passwords: argon2id hashes (OWASP parameters: 19 MiB, 2 passes, 1 lane) and a policy that
 * refuses short passwords, the 49,000 most common ones, ones built on the username, and control
 * characters.
 */
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

const ARGON2_OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON = new Set<string>(dictionary['passwords-common'] as string[]);

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A real hash of a random password, verified when the username is unknown so that an unknown
 * user and a wrong password cost the same time.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(crypto.randomUUID());
  return dummyHash;
}

/** Returns a Chinese message saying what is wrong, or null when the password is acceptable. */
export function passwordProblem(password: string, username: string): string | null {
  // A newline or tab cannot be typed into the sign-in field, so such a password could never be used
  // (it happens when a password is piped twice into user:create). Control characters of any kind,
  // and Unicode line and paragraph separators, are refused wherever a password is set.
  if (/[\p{Cc}\u2028\u2029]/u.test(password)) return '密码不能包含换行、制表符等控制字符';
  if (password.length < PASSWORD_MIN_LENGTH) return `密码至少${PASSWORD_MIN_LENGTH}个字符`;
  if (password.length > PASSWORD_MAX_LENGTH) return `密码不超过${PASSWORD_MAX_LENGTH}个字符`;
  const lowered = password.toLowerCase();
  if (COMMON.has(lowered)) return '这是常见密码，容易被猜中，请换一个';
  if (/^(.)\1+$/.test(password)) return '密码不能由同一个字符重复组成';
  if (/^(0123456789|1234567890|abcdefghij|qwertyuiop)/i.test(password)) return '密码不能是连续的字符';
  if (username.length >= 3 && lowered.includes(username.toLowerCase())) return '密码不能包含用户名';
  return null;
}
