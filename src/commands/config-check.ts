import { parseArgs } from 'node:util';
import { CONFIG_OPTIONS, loadConfigOrReport } from './load-config.ts';
import { printableStateUrl } from './open-store.ts';

const HELP = `usage: mailwarden config check [--config FILE]

Validates the configuration (syntax, keys, values, secrets resolvable, domain files readable) without running.
Exit code 0 when valid, 1 when not. Secret values are never printed.
`;

export async function configCheckCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: CONFIG_OPTIONS,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const file = positionals[0] ?? values.config;
  const config = loadConfigOrReport(file);
  if (!config) return 1;
  for (const warning of config.warnings) process.stderr.write(`warning: ${warning}\n`);
  const channels = Object.entries(config.channels).map(([name, channel]) => `${name} (${channel.type})`);
  process.stdout.write(
    `${file}: valid — ${config.domains.length} domains, ${channels.length} channels${channels.length ? `: ${channels.join(', ')}` : ''}, ` +
      `${config.routes.length} routes; state in ${printableStateUrl(config.state.url.reveal())}\n`,
  );
  return 0;
}
