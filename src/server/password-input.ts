/**
 * Reading a new password for the command-line tools, never from the command line itself (it would
 * land in shell history and the process list).
 * - From a pipe: the first line is the password. People pipe it twice for tools that ask for a
 *   confirmation (`printf 'pw\npw\n' | …`); a second line, when present, must repeat the first.
 * - At a terminal: a hidden prompt (`read`, the npm project's own prompt library), asked twice.
 * Whatever comes in is then checked by the shared password policy (auth/password.ts).
 */
import { read } from 'read';

export class PasswordInputError extends Error {}

/** Enough for any password (the policy allows 128 characters); the rest of a pipe is not read. */
const MAX_PIPED_BYTES = 4096;

export function passwordFromPipe(text: string): string {
  const [first = '', second] = text.split(/\r?\n/);
  if (second !== undefined && second !== '' && second !== first) {
    throw new PasswordInputError('两行密码不一致 (the two piped lines differ): 第一行是密码，第二行（如有）须与之相同。没有创建账号。');
  }
  return first;
}

export async function readNewPassword(input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<string> {
  if (!input.isTTY) {
    let text = '';
    for await (const chunk of input) {
      text += chunk.toString();
      if (text.length > MAX_PIPED_BYTES || text.split(/\r?\n/).length > 2) break;
    }
    return passwordFromPipe(text);
  }
  const password = await read({ prompt: '密码 (password):', silent: true, input, output });
  const again = await read({ prompt: '再输入一次 (again):', silent: true, input, output });
  if (password !== again) throw new PasswordInputError('两次输入的密码不一致 (the passwords differ)。没有创建账号。');
  return password;
}
