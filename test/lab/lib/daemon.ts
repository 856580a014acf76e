import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { sleep } from './exec.ts';

/** A server process the lab started and must stop by its recorded process id (never by name). */
export interface LabProcess {
  name: string;
  pid: number;
  /** Program path, checked against /proc/<pid>/cmdline before signalling so a recycled pid is never hit. */
  program: string;
  args: string[];
  logFile: string;
  pidFile: string;
  /** The signal that stops it quickly (PostgreSQL: SIGINT, its fast shutdown); SIGTERM when absent. */
  stopSignal?: NodeJS.Signals;
}

export interface DaemonOptions {
  /** Run as this user and group (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  stopSignal?: NodeJS.Signals;
}

/**
 * Starts a server in the foreground mode of its own program, detached in its own process group, with its output in
 * a log file, and records its pid. The caller waits for it to answer.
 */
export function startDaemon(
  name: string,
  program: string,
  args: string[],
  logFile: string,
  pidFile: string,
  options: DaemonOptions = {},
): LabProcess {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(program, args, {
      detached: true,
      stdio: ['ignore', log, log],
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${program})`);
    child.on('error', () => {});
    child.unref();
    const proc: LabProcess = { name, pid: child.pid, program, args, logFile, pidFile };
    if (options.stopSignal) proc.stopSignal = options.stopSignal;
    writeFileSync(pidFile, `${JSON.stringify(proc)}\n`);
    return proc;
  } finally {
    closeSync(log);
  }
}

/** True when the pid runs the expected program (its /proc exe link, so a recycled pid is never hit) and is alive. */
export function isRunning(proc: Pick<LabProcess, 'pid' | 'program'>): boolean {
  try {
    const stat = readFileSync(`/proc/${proc.pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    return readlinkSync(`/proc/${proc.pid}/exe`) === realpathSync(proc.program);
  } catch {
    return false;
  }
}

/** Stops a lab process by its pid: SIGTERM, then SIGKILL to its process group after a grace period. */
export async function stopDaemon(proc: LabProcess, graceMs = 5000): Promise<void> {
  if (!isRunning(proc)) return;
  signal(proc.pid, proc.stopSignal ?? 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isRunning(proc)) {
      await groupGone(proc.pid, Date.now() + 3000);
      return;
    }
    await sleep(25);
  }
  signal(-proc.pid, 'SIGKILL');
  signal(proc.pid, 'SIGKILL');
  await sleep(50);
}

/**
 * Waits (bounded) until no process of the group is left: NSD's server children outlive its main process by a moment
 * and keep the listening sockets, so a restart right after could not bind (seen under load).
 */
async function groupGone(pid: number, until: number): Promise<void> {
  while (Date.now() < until) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await sleep(25);
  }
}

export function signalDaemon(proc: LabProcess, sig: NodeJS.Signals): void {
  if (!isRunning(proc)) throw new Error(`${proc.name} (pid ${proc.pid}) is not running; see ${proc.logFile}`);
  signal(proc.pid, sig);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The lab processes recorded in `<runDir>/<server>/lab.pid`, whether or not lab.json survived. */
export function recordedProcesses(runDir: string): LabProcess[] {
  if (!existsSync(runDir)) return [];
  const found: LabProcess[] = [];
  for (const entry of readdirSync(runDir)) {
    const file = join(runDir, entry, 'lab.pid');
    if (!existsSync(file)) continue;
    try {
      found.push(JSON.parse(readFileSync(file, 'utf8')) as LabProcess);
    } catch {
      // unreadable pid file: nothing we can stop safely
    }
  }
  return found;
}

export function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
