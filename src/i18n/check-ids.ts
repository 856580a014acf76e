/**
 * Every check id mailwarden reports, known from the catalogs (every finding has texts there, see test/i18n), and the
 * areas they belong to. Configuration uses these to catch a misspelt id in routes and severity overrides.
 */
import { CATALOG } from './catalog/index.ts';

export const CHECK_IDS: readonly string[] = Object.keys(CATALOG)
  .filter((key) => key.includes('.'))
  .sort();

export const CHECK_AREAS: readonly string[] = [...new Set(CHECK_IDS.map((id) => id.split('.')[0]!))].sort();

/** A crash of a monitor is reported as `<area>.monitor`. */
export const isCheckId = (id: string): boolean =>
  CHECK_IDS.includes(id) || (id.endsWith('.monitor') && CHECK_AREAS.includes(id.slice(0, -'.monitor'.length)));
