// Vitest globalSetup: starts the lab of real servers (or joins one that another test run in this work tree started)
// and stops it by pid when the last run using it is done.
//   MAILWARDEN_LAB=off    no lab (pure unit runs; lab tests then fail loudly through labInfo())
//   MAILWARDEN_LAB=reuse  reuse a healthy running lab, else start one; leave it running afterwards (fast iteration)
import { acquireLab, releaseLab } from './lib/sharing.ts';

const log = (line: string) => console.log(`[lab] ${line}`);

export default async function setup(): Promise<() => Promise<void>> {
  const mode = process.env.MAILWARDEN_LAB ?? 'on';
  if (mode === 'off') return async () => {};
  if (mode !== 'on' && mode !== 'reuse') throw new Error(`MAILWARDEN_LAB is on, off or reuse, not ${mode}`);
  await acquireLab(log, { persistent: mode === 'reuse' });
  return async () => {
    await releaseLab(log, { stop: mode === 'on' });
  };
}
