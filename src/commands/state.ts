import { parseArgs } from 'node:util';
import { importLegacyState } from '../state/import-legacy.ts';
import { CONFIG_OPTIONS, loadConfigOrReport } from './load-config.ts';
import { printableStateUrl, withConfiguredStore } from './open-store.ts';

const HELP = `usage: mailwarden state import <old-state-dir> [--config FILE]

Moves the state of an older mailwarden (state.json, state.journal, history.jsonl in <old-state-dir>) into the
configured database (state.url): confirmed findings, pending confirmations, open alerts, due times, the outbox and
the history. Run it once, with the daemon stopped; the old files are left as they are.
`;

export async function stateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...CONFIG_OPTIONS } });
  const [verb, dir] = positionals;
  if (values.help || verb !== 'import' || dir === undefined) {
    process.stdout.write(HELP);
    return values.help ? 0 : 3;
  }
  const config = loadConfigOrReport(values.config);
  if (!config) return 3;
  const target = printableStateUrl(config.state.url.reveal());
  return withConfiguredStore(
    config,
    async (store) => {
      const imported = await importLegacyState(store, dir);
      process.stdout.write(
        `${dir} → ${target}: ${imported.domains} domains, ${imported.history} history entries, ` +
          `${imported.outbox} waiting alerts, ${imported.delivered} delivered ids\n`,
      );
      return 0;
    },
    { allowLegacyBeside: true },
  );
}
