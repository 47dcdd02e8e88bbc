import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PasswordInputError, passwordFromPipe, readNewPassword } from './password-input.ts';

/** A stand-in terminal: what is typed goes in, what the prompt writes is collected. */
function terminal() {
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: 80 });
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  return { input, output, shown: () => shown };
}

async function type(tty: ReturnType<typeof terminal>, lines: string[]): Promise<string> {
  const reading = readNewPassword(tty.input, tty.output);
  for (const line of lines) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    tty.input.write(`${line}\r`);
  }
  return reading;
}

describe('reading a new password from a pipe', () => {
  it('takes the first line; a second line must repeat it', () => {
    expect(passwordFromPipe('sanghe-guanli-2026\nsanghe-guanli-2026\n')).toBe('sanghe-guanli-2026');
    expect(passwordFromPipe('sanghe-guanli-2026\r\nsanghe-guanli-2026\r\n')).toBe('sanghe-guanli-2026');
    expect(passwordFromPipe('sanghe-guanli-2026\n')).toBe('sanghe-guanli-2026');
    expect(passwordFromPipe('sanghe-guanli-2026')).toBe('sanghe-guanli-2026');
    expect(() => passwordFromPipe('sanghe-guanli-2026\nsanghe-guanli-2027\n')).toThrow(PasswordInputError);
  });

  it('reads only the first lines of a stream', async () => {
    const pipe = new PassThrough();
    pipe.end('qianying-mima-2026\nqianying-mima-2026\n');
    expect(await readNewPassword(pipe)).toBe('qianying-mima-2026');
  });
});

describe('reading a new password at a terminal', () => {
  it('asks twice without echoing, and returns the password when both agree', async () => {
    const tty = terminal();
    expect(await type(tty, ['hou-ying-mima-2026', 'hou-ying-mima-2026'])).toBe('hou-ying-mima-2026');
    expect(tty.shown()).toContain('密码 (password):');
    expect(tty.shown()).toContain('再输入一次 (again):');
    expect(tty.shown()).not.toContain('hou-ying');
  });

  it('refuses two entries that differ', async () => {
    await expect(type(terminal(), ['hou-ying-mima-2026', 'hou-ying-mima-2027'])).rejects.toThrow(/两次输入的密码不一致/);
  });
});
