import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Log, labHealth, rebuildLab, startLab, stopLab } from './lifecycle.ts';
import { withLifecycleLock } from './lock.ts';
import { labDir, runDir, wwwSourceDir, zonesSourceDir } from './paths.ts';
import { readLabState, writeLabState } from './state.ts';

/**
 * Several vitest runs may use the lab of one work tree at once (engineers run their own test files in parallel).
 * The first run starts the lab; later runs join a healthy one; each run registers itself in run/users/<pid>, and the
 * last one to leave stops the lab, unless it is persistent (started by `lab.ts start` or MAILWARDEN_LAB=reuse).
 */
const usersDir = join(runDir, 'users');

export async function acquireLab(log: Log, options: { persistent: boolean }): Promise<void> {
  await withLifecycleLock(async () => {
    const health = await labHealth();
    const state = health.state;
    const sameCode = state?.codeDigest === codeDigest();
    if (health.healthy && state && (sameCode || liveUsers().length > 0)) {
      if (!sameCode) log('the running lab was started by older lab code; restart it when its users are done');
      if (state.sourcesDigest !== sourcesDigest() || Date.now() / 1000 - state.serial > 600) {
        log('zone sources changed or signatures are older than 10 minutes: re-signing the running lab');
        await rebuildLab({ force: true });
      }
      log(`joining the running lab (started ${state.startedAt})`);
    } else {
      if (state && !health.healthy) log(`restarting the lab: ${health.problems.join('; ')}`);
      await startLab(log);
    }
    const current = readLabState();
    if (!current) throw new Error('lab.json vanished after start');
    current.codeDigest = codeDigest();
    current.sourcesDigest = sourcesDigest();
    current.persistent = (current.persistent ?? false) || options.persistent;
    writeLabState(current);
    mkdirSync(usersDir, { recursive: true });
    writeFileSync(join(usersDir, String(process.pid)), `${new Date().toISOString()}\n`);
  });
}

/**
 * Unregisters this process; stops the lab when nobody else uses it, it is not persistent and `stop` is asked
 * (MAILWARDEN_LAB=reuse runs register too, so nobody restarts the lab under them, but never stop it).
 */
export async function releaseLab(log: Log, options: { stop: boolean }): Promise<void> {
  await withLifecycleLock(async () => {
    rmSync(join(usersDir, String(process.pid)), { force: true });
    const others = liveUsers();
    if (!options.stop || readLabState()?.persistent) return;
    if (others.length > 0) {
      log(`leaving the lab running for ${others.length} other run(s): pid ${others.join(', ')}`);
      return;
    }
    await stopLab(log);
  });
}

/** Registered runs other than this one that are still alive; entries of dead runs are removed. */
function liveUsers(): number[] {
  if (!existsSync(usersDir)) return [];
  const live: number[] = [];
  for (const entry of readdirSync(usersDir)) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && existsSync(`/proc/${pid}`)) {
      if (pid !== process.pid) live.push(pid);
    } else rmSync(join(usersDir, entry), { force: true });
  }
  return live;
}

/** Digest of every zone and www source file: a joined lab is re-signed when they changed. */
export function sourcesDigest(): string {
  return digestFiles([zonesSourceDir, wwwSourceDir]);
}

/** Digest of the lab's own code: a lab started by older code is restarted when nobody uses it. */
function codeDigest(): string {
  return digestFiles([join(labDir, 'lib')]);
}

function digestFiles(dirs: string[]): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${relative(labDir, path)}\0`).update(readFileSync(path));
    }
  };
  for (const dir of dirs) walk(dir);
  return hash.digest('hex');
}
