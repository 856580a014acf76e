import type { SmtpProbeResult } from '../../smtp/types.ts';
import type { MonitorContext } from '../types.ts';
import { sharedProbe } from './probe-pool.ts';

export type AddressProbe =
  | { kind: 'probed'; result: SmtpProbeResult }
  /** The outbound-target guard refused the address (loopback, RFC 1918, …): reported, never probed. */
  | { kind: 'not-probed'; reason: string; category?: string };

/** Every MX address passes the target guard first; only then is the run's shared probe used. */
export async function probeAddress(context: MonitorContext, host: string, address: string): Promise<AddressProbe> {
  const verdict = context.guard.check(address);
  if (!verdict.allowed) {
    return {
      kind: 'not-probed',
      reason: verdict.reason ?? `address ${address} is not an allowed probe target`,
      ...(verdict.category ? { category: verdict.category } : {}),
    };
  }
  return { kind: 'probed', result: await sharedProbe(context, host, address) };
}
