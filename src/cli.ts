#!/usr/bin/env node
// mailwarden command line: dispatches to one module per command.
import { readFileSync } from 'node:fs';
import { enableCompileCache } from 'node:module';

// Node strips the TypeScript types of every module at each start (0.3-0.9 s of CPU, ~30 MB per thread); the compile
// cache (in the system's temporary directory, keyed by each file's content) keeps the result. Before any command
// module is imported; a cache that cannot be written is skipped silently.
enableCompileCache();

const COMMANDS: Record<string, { summary: string; load: () => Promise<(argv: string[]) => Promise<number>> }> = {
  check: {
    summary: 'check domains once and print the findings (Nagios exit codes)',
    load: async () => (await import('./commands/check.ts')).checkCommand,
  },
  run: {
    summary: 'run the daemon: recheck configured domains, diff, alert',
    load: async () => (await import('./commands/run.ts')).runCommand,
  },
  config: {
    summary: 'config check [--config FILE]: validate a configuration without running',
    load: async () => (await import('./commands/config-check.ts')).configCheckCommand,
  },
  history: {
    summary: 'history <domain> [--config FILE]: the recorded changes of a domain',
    load: async () => (await import('./commands/history.ts')).historyCommand,
  },
  state: {
    summary: 'state import <old-state-dir>: move an older state directory into the database',
    load: async () => (await import('./commands/state.ts')).stateCommand,
  },
  outbox: {
    summary: 'outbox list|retry|drop: alerts waiting for (or refused by) a channel',
    load: async () => (await import('./commands/outbox.ts')).outboxCommand,
  },
  silence: {
    summary: 'silence add|list|remove: hold the alerts of domains, tags or checks for a while (maintenance)',
    load: async () => (await import('./commands/silence.ts')).silenceCommand,
  },
  report: {
    summary: 'report --from DATE --to DATE [--tag T] [--format csv|json|html|pdf]: compliance over a period',
    load: async () => (await import('./commands/report.ts')).reportCommand,
  },
  'test-alert': {
    summary: 'test-alert <channel> [--config FILE]: send a sample alert through a channel',
    load: async () => (await import('./commands/test-alert.ts')).testAlertCommand,
  },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `mailwarden ${pkg.version} (Node.js ${process.versions.node})\n`;
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(11)} ${command.summary}`);
  return `usage: mailwarden <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nmailwarden <command> --help for its options; mailwarden --version\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 3 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`mailwarden: unknown command "${name}"\n\n${usage()}`);
    return 3;
  }
  const args = name === 'config' && rest[0] === 'check' ? rest.slice(1) : rest;
  return (await command.load())(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mailwarden: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 3;
  },
);
