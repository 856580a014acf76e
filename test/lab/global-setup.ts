// Vitest globalSetup: starts the lab of real servers before the tests and stops it (by pid) after them.
//   MAILWARDEN_LAB=off    no lab (pure unit runs; lab tests then fail loudly through labInfo())
//   MAILWARDEN_LAB=reuse  reuse a healthy running lab, else start one; leave it running afterwards (fast iteration)
import { labHealth, startLab, stopLab } from './lib/lifecycle.ts';

const log = (line: string) => console.log(`[lab] ${line}`);

export default async function setup(): Promise<() => Promise<void>> {
  const mode = process.env.MAILWARDEN_LAB ?? 'on';
  if (mode === 'off') return async () => {};
  if (mode === 'reuse') {
    const health = await labHealth();
    if (health.healthy) log('reusing the running lab (MAILWARDEN_LAB=reuse)');
    else await startLab(log);
    return async () => {};
  }
  if (mode !== 'on') throw new Error(`MAILWARDEN_LAB is on, off or reuse, not ${mode}`);
  await startLab(log);
  return async () => {
    await stopLab(log);
  };
}
