// Starts `mailwarden run` as a user would (a child process on a config file) and watches what it logs and sends.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onTestFailed } from 'vitest';
import { startHttpReceiver } from '../alerts/http-receiver.ts';
import { startSmtpSink } from '../alerts/smtp-sink.ts';

const CLI = resolve(import.meta.dirname, '../../src/cli.ts');

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** Polls until `condition` returns a truthy value; fails naming what it waited for. No fixed sleeps. */
export async function waitFor<T>(
  description: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface DaemonProcess {
  child: ChildProcess;
  logs: LogLine[];
  stderr: string[];
  /** Log lines with this message, in order. */
  lines(msg: string): LogLine[];
  /** Resolves with the exit code (or signal) once the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (or the given signal), then wait for the exit. Kills it by pid after 20 s. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node src/cli.ts run --config FILE` with the Node that runs the tests. */
export function startDaemon(configFile: string, extraArgs: string[] = []): DaemonProcess {
  const child = spawn(process.execPath, [CLI, 'run', '--config', configFile, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  // On failure, show what the daemon said: the cause is usually there.
  onTestFailed(() => {
    const tail = logs.slice(-40).map((line) => JSON.stringify(line).slice(0, 500));
    process.stderr.write(`--- daemon pid ${child.pid}, last log lines:\n${tail.join('\n')}\n${stderr.join('')}---\n`);
  });
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (process.env.E2E_DEBUG) process.stderr.write(`[daemon] ${line.slice(0, 600)}\n`);
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ msg: `unparsable: ${line}` });
      }
      newline = buffer.indexOf('\n');
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    child,
    logs,
    stderr,
    lines: (msg) => logs.filter((line) => line.msg === msg),
    exited,
    async stop(signal = 'SIGTERM') {
      if (!ended) child.kill(signal);
      const timer = setTimeout(() => {
        if (!ended) child.kill('SIGKILL');
      }, 20_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface Receivers {
  slack: Awaited<ReturnType<typeof startHttpReceiver>>;
  webhook: Awaited<ReturnType<typeof startHttpReceiver>>;
  smtp: Awaited<ReturnType<typeof startSmtpSink>>;
  close(): Promise<void>;
}

/** A Slack stand-in and a webhook receiver (loopback HTTP) and an SMTP sink, all on 127.0.0.1. */
export async function startReceivers(): Promise<Receivers> {
  const [slack, webhook, smtp] = await Promise.all([startHttpReceiver(), startHttpReceiver(), startSmtpSink()]);
  return {
    slack,
    webhook,
    smtp,
    close: async () => {
      await Promise.all([slack.close(), webhook.close(), smtp.close()]);
    },
  };
}

export interface E2eConfig {
  resolver: string;
  trustAnchorFile: string;
  caFile?: string;
  domains: string[];
  receivers?: Receivers;
  /** Extra top-level YAML appended as is. */
  extra?: string;
  alerting?: string;
  /** Extra keys of both routes, e.g. `baseline: false`. */
  routeOptions?: string;
  /** state.url; a SQLite file in the config's directory when absent. */
  stateUrl?: string;
}

export const WEBHOOK_SECRET = 'e2e-webhook-secret';

/**
 * A configuration as a user writes it: seconds instead of minutes, the lab's resolver and trust anchor, private
 * targets allowed, a state dir in a tmp dir. Two routes: `chat` (Slack) and `ops` (e-mail + webhook).
 */
export function configYaml(dir: string, options: E2eConfig): string {
  const r = options.receivers;
  const channels = r
    ? `channels:
  slack: { type: slack, url: "${r.slack.url}/services/T000/B000/XXXX" }
  mail:
    type: email
    smtp: { host: 127.0.0.1, port: ${r.smtp.port}, requireTls: false, timeout: 5s }
    from: mailwarden@e2e.test
    to: [ops@e2e.test]
  hook: { type: webhook, url: "${r.webhook.url}/hook", secret: ${WEBHOOK_SECRET}, timeout: 5s }
routes:
  - { name: chat, channels: [slack], groupWait: 0s, groupInterval: 0s${options.routeOptions ? `, ${options.routeOptions}` : ''} }
  - { name: ops, channels: [mail, hook], groupWait: 0s, groupInterval: 0s${options.routeOptions ? `, ${options.routeOptions}` : ''} }
`
    : `channels:
  console: { type: log }
routes:
  - { name: everything, channels: [console] }
`;
  return `dns:
  resolvers: ["${options.resolver}"]
  trustAnchorFile: ${options.trustAnchorFile}
  timeout: 1s
checks:
  ehloName: mailwarden-e2e.test
  allowPrivateTargets: true
  # The e2e zones are served over IPv4 only (the lab's IPv6 name servers carry the IPv6 test zones): their missing
  # IPv6 is not what these tests are about, and would be a notice at the first check (baseline) of every domain.
  severity: { ipv6.ns-address: ignore, ipv6.mx-address: ignore }
${options.caFile ? `  caFile: ${options.caFile}\n` : ''}  timeout: 3s
schedule: { interval: 4s, jitter: 0, firstCheckSpread: 0s, concurrency: 4 }
alerting:
  confirmDelay: 1s
  failureThreshold: 2
  successThreshold: 2
  retryBackoff: 1s
  retryBackoffMax: 2s
${options.alerting ?? ''}
state: { url: "${options.stateUrl ?? `sqlite:${join(dir, 'state', 'mailwarden.db')}`}" }
log: { level: info }
${channels}
domains: [${options.domains.join(', ')}]
${options.extra ?? ''}
`;
}

export async function tmpConfig(options: E2eConfig): Promise<{ dir: string; file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mw-e2e-'));
  const file = join(dir, 'config.yaml');
  await writeFile(file, configYaml(dir, options));
  return { dir, file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The batches the daemon finished in which this domain was checked with a healthy resolver. */
export function finishedRuns(daemon: DaemonProcess): LogLine[] {
  return daemon.lines('run finished');
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The decoded text/plain and text/html parts and the raw headers of a message the SMTP sink received. */
export function mimeParts(data: string): { headers: string; text: string; html: string } {
  const headerEnd = data.indexOf('\r\n\r\n');
  const headers = data.slice(0, headerEnd);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  const parts = boundary ? data.split(`--${boundary}`).slice(1, -1) : [data];
  const found: Record<string, string> = {};
  for (const part of parts) {
    const end = part.indexOf('\r\n\r\n');
    const partHeaders = part.slice(0, end);
    const body = part.slice(end + 4).replace(/\r\n$/, '');
    const type = /content-type:\s*(text\/(?:plain|html))/i.exec(partHeaders)?.[1]?.toLowerCase();
    if (!type) continue;
    const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(partHeaders)?.[1]?.toLowerCase();
    found[type] =
      encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : encoding === 'quoted-printable'
          ? decodeQuotedPrintable(body)
          : body;
  }
  return { headers, text: found['text/plain'] ?? '', html: found['text/html'] ?? '' };
}
