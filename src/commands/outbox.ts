import { parseArgs } from 'node:util';
import type { OutboxEntry } from '../state/types.ts';
import { CONFIG_OPTIONS, loadConfigOrReport } from './load-config.ts';
import { withConfiguredStore } from './open-store.ts';

const HELP = `usage: mailwarden outbox list [--dead] [--json] [--config FILE]
       mailwarden outbox retry <id> [--config FILE]
       mailwarden outbox drop <id> [--config FILE]

Alerts waiting for a channel. 'list' shows the ones being retried (or, with --dead, the ones a receiver refused
for good, with its reason); 'retry' sends one again at the daemon's next delivery pass; 'drop' deletes one unsent.
Works while the daemon runs.
`;

export async function outboxCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONFIG_OPTIONS,
      dead: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const [verb, id] = positionals;
  if (values.help || verb === undefined || !['list', 'retry', 'drop'].includes(verb) || (verb !== 'list' && !id)) {
    process.stdout.write(HELP);
    return values.help ? 0 : 3;
  }
  const config = loadConfigOrReport(values.config);
  if (!config) return 3;
  return withConfiguredStore(config, async (store) => {
    if (verb === 'list') {
      const entries = await store.listOutbox({ dead: values.dead });
      process.stdout.write(values.json ? `${JSON.stringify({ entries }, null, 2)}\n` : describe(entries, values.dead));
      return 0;
    }
    const done =
      verb === 'retry' ? await store.retryOutbox(id!, new Date().toISOString()) : await store.dropOutbox(id!);
    if (!done) {
      process.stderr.write(`mailwarden outbox ${verb}: no entry ${id} (see mailwarden outbox list [--dead])\n`);
      return 3;
    }
    process.stdout.write(verb === 'retry' ? `${id}: will be sent at the next delivery pass\n` : `${id}: dropped\n`);
    return 0;
  });
}

function describe(entries: readonly OutboxEntry[], dead: boolean): string {
  if (entries.length === 0) return dead ? 'no dead-lettered alerts\n' : 'the outbox is empty\n';
  return entries
    .map((entry) => {
      const when = entry.deadAt ? `dead since ${entry.deadAt}` : `next attempt ${entry.nextAttemptAt}`;
      const error = entry.lastError ? `\n    ${entry.lastError.replace(/[\u0000-\u001f\u007f]/g, ' ')}` : '';
      return `${entry.id}  ${entry.route} → ${entry.channel}  ${entry.notices.length} notices, ${entry.attempts} attempts, ${when}${error}\n`;
    })
    .join('');
}
