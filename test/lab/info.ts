import type { BuiltZone, NameserverInfo } from './lib/build.ts';
import { labJsonFile } from './lib/paths.ts';
import { type LabState, readLabState } from './lib/state.ts';

export type { HttpsHost, LabState, ServerAddress, SmtpListener } from './lib/state.ts';
export type { BuiltZone, NameserverInfo };

/**
 * What a test needs to use the running lab: the resolver, the trust anchor files, the CA file, the authoritative
 * servers, every zone with its facts. Throws (never skips) when the lab is not there, so a lab test cannot pass
 * silently without it.
 */
export function labInfo(): LabState {
  if (process.env.MAILWARDEN_LAB === 'off') {
    throw new Error('this test needs the lab, but MAILWARDEN_LAB=off; run without it (npm test starts the lab)');
  }
  const state = readLabState();
  if (!state)
    throw new Error(`the lab is not running (no ${labJsonFile}); vitest's globalSetup or npm run lab:start starts it`);
  return state;
}

/** The facts of one lab zone (`mx-good.test`, `test`, `.`). */
export function labZone(name: string): BuiltZone {
  const wanted = name === '.' ? '.' : name.replace(/\.$/, '').toLowerCase();
  const zone = labInfo().zones.find((z) => z.name === wanted);
  if (!zone) throw new Error(`no lab zone ${wanted}; zones are test/lab/zones/<area>/<name>.zone`);
  return zone;
}
