import { parseArgs } from 'node:util';
import { normaliseDomain } from '../check/check-domain.ts';
import type { HistoryEntry } from '../state/types.ts';
import { CONFIG_OPTIONS, loadConfigOrReport } from './load-config.ts';
import { withConfiguredStore } from './open-store.ts';

const HELP = `usage: mailwarden history <domain> [--config FILE] [--since ISO-DATE] [--limit N] [--json]

The recorded changes of a domain (regressions, recoveries, new/gone findings, expiry warnings), oldest first,
with before → after, and the published records that changed. Reads the configured database; works while the
daemon runs.
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
  const domain = normaliseDomain(positionals[0]!);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  return withConfiguredStore(config, async (store) => {
    const entries = await store.readHistory({
      domain,
      ...(values.since ? { since: new Date(values.since).toISOString() } : {}),
      ...(limit !== undefined && Number.isInteger(limit) && limit > 0 ? { limit } : {}),
    });
    printHistory(domain, entries, values.json);
    return 0;
  });
}

const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, ' ');

function printHistory(domain: string, entries: readonly HistoryEntry[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ domain, entries }, null, 2)}\n`);
    return;
  }
  if (entries.length === 0) {
    process.stdout.write(`${domain}: no recorded changes\n`);
    return;
  }
  for (const entry of entries) {
    const transition =
      entry.kind === 'record-changed' ? 'record' : `${entry.before?.status ?? '—'} → ${entry.after?.status ?? '—'}`;
    process.stdout.write(
      `${entry.at}  ${entry.kind.padEnd(14)} ${entry.check.padEnd(22)} ${transition.padEnd(14)} ${entry.subject}\n`,
    );
    if (entry.kind === 'record-changed') {
      process.stdout.write(`    was: ${printable(entry.recordBefore ?? '(not published)')}\n`);
      process.stdout.write(`    now: ${printable(entry.recordAfter || '(not published)')}\n`);
      continue;
    }
    const summary = entry.after?.summary ?? entry.before?.summary;
    if (summary) process.stdout.write(`    ${printable(summary)}\n`);
  }
}
