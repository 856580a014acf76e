import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const launcher = fileURLToPath(new URL('../../bin/mailwarden.js', import.meta.url));
const json = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { version: string };
const pinned = json('../../node_modules/node/package.json').version;
const version = json('../../package.json').version;

/** A `node` on the PATH as a user's shell finds it: the system's own when there is one (often older), else ours. */
const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => existsSync(path)) ?? process.execPath;

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: { PATH: `${dirname(systemNode)}:/usr/bin:/bin`, HOME: tmpdir() }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the mailwarden command as npm link and npx install it', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mailwarden-bin-'));
    // npm link and npx put a symlink to the package's bin on the PATH
    await symlink(launcher, join(dir, 'mailwarden'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`runs on the pinned Node ${pinned} whatever node the shebang finds`, async () => {
    const result = await run(join(dir, 'mailwarden'), ['--version']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`mailwarden ${version} (Node.js ${pinned})\n`);
    expect(result.code).toBe(0);
  });

  it('passes arguments and the exit code through', async () => {
    const result = await run(join(dir, 'mailwarden'), ['no-such-command']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/unknown command "no-such-command"/);
  });
});
