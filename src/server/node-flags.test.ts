import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from './node-flags.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const launch = `node ${SERVER_NODE_FLAGS.join(' ')} src/server/start.ts`;

describe('every launcher of the server passes the same V8 flags', () => {
  it('npm start and npm run serve', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toContain(launch);
    expect(scripts.serve).toContain(launch);
  });

  it('the systemd unit', () => {
    expect(read('deploy/yidiantong@.service')).toContain(`/srv/yidiantong/node_modules/.bin/${launch}`);
  });

  it('the benchmark and the browser tests spawn with the list itself', () => {
    for (const file of ['tests/bench/http.ts', 'tests/e2e/server.ts']) {
      expect(read(file)).toMatch(/spawn\(process\.execPath, \[\.\.\.SERVER_NODE_FLAGS, 'src\/server\/start\.ts'\]/);
    }
  });
});
