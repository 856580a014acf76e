import { isDnsError } from '../errors.ts';
import { displayName } from './names.ts';
import type { SignatureTiming } from './result.ts';
import { serialIso } from './verify-rrset.ts';

/** The RRSIGs that took part in a verdict, with absolute times, for the expiry forecast. */
export function timings(
  zone: string,
  owner: string,
  type: string,
  rrsigs: readonly { keyTag: number; algorithm: number; inception: number; expiration: number }[],
  nowSeconds: number,
): SignatureTiming[] {
  return rrsigs.map((rrsig) => ({
    zone,
    owner,
    type,
    keyTag: rrsig.keyTag,
    algorithm: rrsig.algorithm,
    inception: serialIso(rrsig.inception, nowSeconds),
    expiration: serialIso(rrsig.expiration, nowSeconds),
  }));
}

export function queryFailure(name: string, type: string, error: unknown): string {
  if (isDnsError(error)) return `${displayName(name)} ${type}: ${error.kind} (${error.message})`;
  return `${displayName(name)} ${type}: ${(error as Error).message ?? String(error)}`;
}
