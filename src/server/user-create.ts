/**
 * Creates a staff account from the command line — how the first administrator comes to exist:
 *
 *   npm run user:create -- --role admin --username wang.admin --name 王管理
 *   npm run user:create -- --role commission --username sanghe.jw --name 桑河县纪委 --scope 990121000000
 *   npm run user:create -- --role department --username sanghe.mzj --name 桑河县民政局 --scope 990121000000 --department 桑河县民政局
 *
 * The password is read from standard input — the first line of a pipe (a second line must repeat
 * it), or a hidden prompt asked twice — never from the command line, where it would land in shell
 * history and the process list (see password-input.ts).
 *
 *   printf '%s\n' 'the-password' | npm run user:create -- --role admin --username wang.admin
 */
import { parseArgs } from 'node:util';
import { bootstrap } from '../lib/server/bootstrap.ts';
import { closeDatabase } from '../lib/server/db.ts';
import { createUser } from '../lib/server/auth/users.ts';
import { PasswordInputError, readNewPassword } from './password-input.ts';

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    username: { type: 'string' },
    name: { type: 'string' },
    scope: { type: 'string' },
    department: { type: 'string' },
  },
});
if (!values.role || !values.username) {
  console.error('usage: npm run user:create -- --role admin|commission|agency|department|cadre|supervisor --username NAME [--name 姓名] [--scope 12-digit code] [--department 部门全称]');
  process.exit(64);
}
let password: string;
try {
  password = await readNewPassword();
} catch (error) {
  if (!(error instanceof PasswordInputError)) throw error;
  console.error(error.message);
  process.exit(1);
}
// An entry point: the same start-up as the server (open → migrate → seed).
const { db } = (await bootstrap()).handle;
const result = await createUser(
  db,
  null,
  {
    username: values.username,
    displayName: values.name ?? values.username,
    role: values.role as never,
    scopeCode: values.scope,
    department: values.department,
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
