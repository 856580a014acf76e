import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { normaliseDomain } from '../check/check-domain.ts';
import { HistoryFile } from '../state/history-file.ts';
import { CONFIG_OPTIONS, loadConfigOrReport } from './load-config.ts';

const HELP = `usage: mailwarden history <domain> [--config FILE] [--since ISO-DATE] [--limit N] [--json]

The recorded changes of a domain (regressions, recoveries, new/gone findings, expiry warnings), oldest first,
with before → after. Reads the history file in the configured state directory; works while the daemon runs.
`;

export async function historyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONFIG_OPTIONS,
      since: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help ? 0 : 3;
  }
  const config = loadConfigOrReport(values.config);
  if (!config) return 3;
  const dir = config.state.dir;
  const domain = normaliseDomain(positionals[0]!);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  const entries = await new HistoryFile(join(dir, 'history.jsonl')).read({
    domain,
    ...(values.since ? { since: new Date(values.since).toISOString() } : {}),
    ...(limit !== undefined && Number.isInteger(limit) && limit > 0 ? { limit } : {}),
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ domain, entries }, null, 2)}\n`);
    return 0;
  }
  if (entries.length === 0) {
    process.stdout.write(`${domain}: no recorded changes\n`);
    return 0;
  }
  for (const entry of entries) {
    const transition = `${entry.before?.status ?? '—'} → ${entry.after?.status ?? '—'}`;
    process.stdout.write(
      `${entry.at}  ${entry.kind.padEnd(11)} ${entry.check.padEnd(22)} ${transition.padEnd(14)} ${entry.subject}\n`,
    );
    const summary = entry.after?.summary ?? entry.before?.summary;
    if (summary) process.stdout.write(`    ${summary.replace(/[\u0000-\u001f\u007f]/g, ' ')}\n`);
  }
  return 0;
}
