import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { isInForce, type Silence, silencesFromConfig } from '../alerts/silences.ts';
import { formatDuration, parseDuration } from '../config/duration.ts';
import { loadConfigOrReport } from './load-config.ts';
import { withConfiguredStore } from './open-store.ts';

const HELP = `usage: mailwarden silence add (--domain D | --tag T | --check C)... (--for DURATION | --until TIME)
                         --comment TEXT [--starts TIME] [--by NAME] [--config FILE]
       mailwarden silence list [--all] [--json] [--config FILE]
       mailwarden silence remove <id> [--config FILE]

A silence (or, with --starts in the future, a maintenance window) holds the alerts of the domains, tags and checks it
names: they are recorded in the history, not sent. Repeat --domain/--tag/--check for several; a silence with several
kinds of matcher needs all of them to match. --domain '*.example.nl' matches subdomains; --check dane matches every
dane.* check. TIME is ISO 8601 (2026-12-01T22:00:00Z); DURATION as in the configuration (30m, 2h, 1d).
Silences from the configuration file (silences:) are listed too; remove them there.
`;

/** The store methods this command uses (the StateStore of the SQLite/PostgreSQL store has them). */
export interface SilenceStore {
  listSilences(now?: string): Promise<Silence[]>;
  putSilence(silence: Silence): Promise<void>;
  removeSilence(id: string): Promise<boolean>;
}

export type SilenceRequest =
  | { action: 'help' }
  | { action: 'add'; silence: Silence }
  | { action: 'list'; all: boolean; json: boolean }
  | { action: 'remove'; id: string };

export class SilenceUsageError extends Error {}

function time(text: string, option: string): string {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms))
    throw new SilenceUsageError(`${option}: expected an ISO 8601 time such as 2026-12-01T22:00:00Z, got "${text}"`);
  return new Date(ms).toISOString();
}

/** Parses `silence …` arguments (after the word `silence`). Throws SilenceUsageError with a message for the user. */
export function parseSilenceArgs(argv: string[], now: Date, user = defaultUser()): SilenceRequest & { config: string } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', default: 'config.yaml' },
      help: { type: 'boolean', short: 'h', default: false },
      domain: { type: 'string', multiple: true, default: [] },
      tag: { type: 'string', multiple: true, default: [] },
      check: { type: 'string', multiple: true, default: [] },
      for: { type: 'string' },
      until: { type: 'string' },
      starts: { type: 'string' },
      comment: { type: 'string' },
      by: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const config = values.config;
  const [verb, ...rest] = positionals;
  if (values.help || verb === undefined) return { action: 'help', config };
  if (verb === 'list') return { action: 'list', all: values.all, json: values.json, config };
  if (verb === 'remove') {
    if (rest.length !== 1) throw new SilenceUsageError('silence remove: expected one silence id');
    return { action: 'remove', id: rest[0]!, config };
  }
  if (verb !== 'add') throw new SilenceUsageError(`silence: unknown action "${verb}" (add, list, remove)`);
  if (rest.length > 0) throw new SilenceUsageError(`silence add: unexpected "${rest[0]}"`);
  if (values.domain.length + values.tag.length + values.check.length === 0)
    throw new SilenceUsageError('silence add: name at least one --domain, --tag or --check');
  if (!values.comment?.trim()) throw new SilenceUsageError('silence add: say why with --comment');
  const startsAt = values.starts === undefined ? now.toISOString() : time(values.starts, '--starts');
  let endsAt: string;
  if (values.for !== undefined && values.until !== undefined)
    throw new SilenceUsageError('silence add: give --for or --until, not both');
  if (values.for !== undefined) {
    const ms = parseDuration(values.for);
    if (ms === undefined || ms <= 0)
      throw new SilenceUsageError(`--for: expected a duration such as 30m, 2h or 1d, got "${values.for}"`);
    endsAt = new Date(Date.parse(startsAt) + ms).toISOString();
  } else if (values.until !== undefined) endsAt = time(values.until, '--until');
  else throw new SilenceUsageError('silence add: say how long with --for DURATION or --until TIME');
  if (Date.parse(endsAt) <= now.getTime()) throw new SilenceUsageError('silence add: that time has already passed');
  if (endsAt <= startsAt) throw new SilenceUsageError('silence add: it would end before it starts');
  const silence: Silence = {
    id: `s-${randomBytes(4).toString('hex')}`,
    startsAt,
    endsAt,
    comment: values.comment.trim(),
    createdBy: values.by ?? user,
    source: 'cli',
  };
  if (values.domain.length > 0) silence.domains = values.domain.map((d) => d.toLowerCase());
  if (values.tag.length > 0) silence.tags = values.tag;
  if (values.check.length > 0) silence.checks = values.check;
  return { action: 'add', silence, config };
}

function defaultUser(): string {
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return 'cli';
  }
}

/** One line per silence: id, window, what it matches, who and why. Control characters from the store are flattened. */
export function formatSilence(silence: Silence, now: Date): string {
  const clean = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const what = [
    ...(silence.domains ?? []).map((d) => `domain=${d}`),
    ...(silence.tags ?? []).map((t) => `tag=${t}`),
    ...(silence.checks ?? []).map((c) => `check=${c}`),
  ].join(' ');
  const inMinutes = (ms: number) => formatDuration(Math.ceil(ms / 60_000) * 60_000);
  const starts = Date.parse(silence.startsAt);
  const ends = Date.parse(silence.endsAt);
  const state =
    now.getTime() < starts
      ? `starts in ${inMinutes(starts - now.getTime())}`
      : now.getTime() < ends
        ? `${inMinutes(ends - now.getTime())} left`
        : 'ended';
  return `${silence.id}  ${silence.startsAt} → ${silence.endsAt} (${state})  ${clean(what)}  [${silence.source}, ${clean(silence.createdBy)}] ${clean(silence.comment)}`;
}

/** Carries out a parsed request against the store. Returns the exit code. */
export async function runSilence(
  request: SilenceRequest,
  store: SilenceStore,
  write: (text: string) => void,
  now: Date,
  /** The configuration's silences (listed beside the stored ones; removed only by editing the file). */
  fromConfig: readonly Silence[] = [],
): Promise<number> {
  switch (request.action) {
    case 'help':
      write(HELP);
      return 0;
    case 'add':
      await store.putSilence(request.silence);
      write(`${formatSilence(request.silence, now)}\n`);
      return 0;
    case 'list': {
      const stored = await store.listSilences(request.all ? undefined : now.toISOString());
      const ids = new Set(stored.map((silence) => silence.id));
      const configured = fromConfig.filter(
        (silence) => !ids.has(silence.id) && (request.all || isInForce(silence, now)),
      );
      const silences = [...configured, ...stored];
      if (request.json) write(`${JSON.stringify({ silences }, null, 2)}\n`);
      else if (silences.length === 0) write('no silences in force\n');
      else for (const silence of silences) write(`${formatSilence(silence, now)}\n`);
      return 0;
    }
    case 'remove': {
      const silences = [...fromConfig, ...(await store.listSilences())];
      const found = silences.find((silence) => silence.id === request.id);
      if (found?.source === 'config') {
        write(`${request.id} comes from the configuration file: remove it there (silences:)\n`);
        return 3;
      }
      if (!(await store.removeSilence(request.id))) {
        write(`no silence with id ${request.id}\n`);
        return 3;
      }
      write(`removed ${request.id}\n`);
      return 0;
    }
  }
}

/** `mailwarden silence …`: parses, then works on the configured database (as `mailwarden outbox` does). */
export async function silenceCommand(argv: string[]): Promise<number> {
  const now = new Date();
  let request: ReturnType<typeof parseSilenceArgs>;
  try {
    request = parseSilenceArgs(argv, now);
  } catch (error) {
    if (!(error instanceof SilenceUsageError) && !(error instanceof TypeError)) throw error;
    process.stderr.write(`mailwarden ${error.message}\n\n${HELP}`);
    return 3;
  }
  const write = (text: string) => process.stdout.write(text);
  if (request.action === 'help') {
    write(HELP);
    return 0;
  }
  const config = loadConfigOrReport(request.config);
  if (!config) return 3;
  const fromConfig = silencesFromConfig(config.silences, now);
  return withConfiguredStore(config, (store) => runSilence(request, store, write, now, fromConfig));
}
