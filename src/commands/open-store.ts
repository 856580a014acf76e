import { dirname, join } from 'node:path';
import type { Config } from '../config/load.ts';
import { refuseLegacyOnly } from '../state/import-legacy.ts';
import { createStateStore } from '../state/open-store.ts';
import { type StateStore, StateStoreError } from '../state/store.ts';

/** A store that could not be opened, as the user should read it: one line naming the database and what to do. */
export class StoreOpenProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreOpenProblem';
  }
}

export interface OpenOptions {
  /** `state import` opens (and creates) the database beside the old state it is about to move in. */
  allowLegacyBeside?: boolean;
  /** The daemon takes the store's lock (a second daemon is refused); the other commands work beside it. */
  daemon?: boolean;
}

/**
 * Opens the configured database (migrations applied). An empty database beside an old state directory (state.json,
 * state.journal, history.jsonl) is refused: the user is told to import it first, so no alert state is silently
 * forgotten.
 */
export async function openConfiguredStore(config: Config, options: OpenOptions = {}): Promise<StateStore> {
  const url = config.state.url.reveal();
  const store = createStateStore(url, {
    ...(config.state.password ? { password: config.state.password.reveal() } : {}),
    exclusive: options.daemon === true,
  });
  try {
    await store.open();
    if (!options.allowLegacyBeside) await refuseLegacyOnly(store, legacyDirOf(config));
  } catch (error) {
    await store.close().catch(() => {});
    if (error instanceof StateStoreError) throw new StoreOpenProblem(error.message);
    throw error;
  }
  return store;
}

/** Where an older mailwarden kept its files: beside the SQLite file, or `./state` beside the configuration. */
function legacyDirOf(config: Config): string {
  const url = config.state.url.reveal();
  return url.startsWith('sqlite:') ? dirname(url.slice('sqlite:'.length)) : join(dirname(config.file), 'state');
}

/** The state URL as it may be printed: a PostgreSQL password is never shown. */
export function printableStateUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Runs a command's work with the configured store open, closing it afterwards. A store that cannot be opened is
 * reported on stderr (naming the database) and gives exit code 3.
 */
export async function withConfiguredStore(
  config: Config,
  work: (store: StateStore) => Promise<number>,
  options: OpenOptions = {},
): Promise<number> {
  let store: StateStore;
  try {
    store = await openConfiguredStore(config, options);
  } catch (error) {
    if (error instanceof StoreOpenProblem) {
      process.stderr.write(`mailwarden: ${error.message}\n`);
      return 3;
    }
    throw error;
  }
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
