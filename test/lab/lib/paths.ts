import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every path the lab uses. Everything it creates lives under `run/` (gitignored) and is wiped at each start. */
export const labDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const zonesSourceDir = join(labDir, 'zones');
export const wwwSourceDir = join(labDir, 'www');
/** MAILWARDEN_LAB_RUN_DIR moves it (e.g. to try lab changes without touching the lab others are using). */
export const runDir = process.env.MAILWARDEN_LAB_RUN_DIR ?? join(labDir, 'run');
export const labJsonFile = join(runDir, 'lab.json');
export const lockDir = join(runDir, 'lock');
export const keysDir = join(runDir, 'keys');
export const overridesDir = join(runDir, 'overrides');
export const buildCacheDir = join(runDir, 'build-cache');
export const signedZonesDir = join(runDir, 'zones');
export const staleZonesDir = join(runDir, 'zones-stale');
export const certsDir = join(runDir, 'certs');
export const trustAnchorDsFile = join(runDir, 'trust-anchor.ds');
export const trustAnchorDnskeyFile = join(runDir, 'trust-anchor.dnskey');
export const delvAnchorFile = join(runDir, 'trust-anchor.delv.conf');

export function serverDir(name: string): string {
  return join(runDir, name);
}
