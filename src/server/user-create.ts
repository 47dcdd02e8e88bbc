/**
 * Creates a staff account from the command line — how the first administrator comes to exist:
 *
 *   npm run user:create -- --role admin --username wang.admin --name 王管理
 *   npm run user:create -- --role commission --username sanghe.jw --name 桑河县纪委 --scope 990121000000
 *
 * The password is read from standard input (piped) or typed at a hidden prompt, never taken from
 * the command line, where it would land in shell history and the process list.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { closeDatabase, getDatabase } from '../lib/server/db.ts';
import { createUser } from '../lib/server/auth/users.ts';

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    let data = '';
    for await (const chunk of process.stdin) data += chunk;
    return data.replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = rl as unknown as { _writeToOutput: (text: string) => void; output: NodeJS.WriteStream };
  let prompted = false;
  output._writeToOutput = (text: string) => {
    if (!prompted) output.output.write(text);
  };
  const answer = await new Promise<string>((resolve) => {
    rl.question('密码 (password): ', resolve);
    prompted = true;
  });
  rl.close();
  process.stdout.write('\n');
  return answer;
}

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    username: { type: 'string' },
    name: { type: 'string' },
    scope: { type: 'string' },
  },
});
if (!values.role || !values.username) {
  console.error('usage: npm run user:create -- --role admin|commission|cadre|supervisor --username NAME [--name 姓名] [--scope 12-digit code]');
  process.exit(64);
}
const password = await readPassword();
const { db } = await getDatabase();
const result = await createUser(
  db,
  null,
  {
    username: values.username,
    displayName: values.name ?? values.username,
    role: values.role as never,
    scopeCode: values.scope,
    password,
  },
  // The person running this chose the password themselves.
  { mustChangePassword: false },
);
await closeDatabase();
if (!result.ok) {
  for (const [field, message] of Object.entries(result.errors)) console.error(`${field}: ${message}`);
  process.exit(1);
}
console.log(`created ${values.role} account ${values.username}`);
