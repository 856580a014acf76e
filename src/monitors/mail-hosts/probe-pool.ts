import { AddressLimiter } from '../../smtp/address-limiter.ts';
import { probeSmtpOnce } from '../../smtp/probe.ts';
import { probeSettings, transportOptions } from '../../smtp/settings.ts';
import { type ProbeSettings, type SmtpProbeResult, TRANSIENT_OUTCOMES } from '../../smtp/types.ts';
import type { MonitorContext } from '../types.ts';

type ProbeFn = (mx: string, address: string, settings: ProbeSettings) => Promise<SmtpProbeResult>;

/** One try, and when it met a refusal, timeout or 4xx, one more after a pause; only then does the failure count. */
export async function probeWithRetry(
  mx: string,
  address: string,
  settings: ProbeSettings,
  retryDelayMs: number,
  probe: ProbeFn = probeSmtpOnce,
): Promise<SmtpProbeResult> {
  const first = await probe(mx, address, settings);
  // a server that used up the whole probe deadline gets no second one
  if (!TRANSIENT_OUTCOMES.includes(first.outcome) || first.deadlinePassed) return first;
  await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
  const second = await probe(mx, address, settings);
  return { ...second, attempts: first.attempts + second.attempts, durationMs: first.durationMs + second.durationMs };
}

/**
 * The key of a shared probe. The certificate a server presents depends on SNI, which is the MX name, so the key is
 * (address, port, MX name): 10,000 domains on one MX name cost one probe per address; two MX names on one address
 * cost two probes, run one after the other through the per-address limiter.
 */
export function probeKey(address: string, port: number, mx: string): string {
  return `smtp:${address}:${port}:${mx.replace(/\.$/, '').toLowerCase()}`;
}

/**
 * The run's single STARTTLS probe of (MX name, address), shared by every domain and every monitor that asks, and by
 * every worker thread of a `check` split over cores.
 */
export function sharedProbe(context: MonitorContext, mx: string, address: string): Promise<SmtpProbeResult> {
  const transport = transportOptions(context.options);
  const settings = probeSettings(context.options);
  return context.shared.memoAcrossWorkers(probeKey(address, settings.port, mx), address, async () => {
    const limiter = await context.shared.memo(
      'smtp:address-limiter',
      async () => new AddressLimiter(transport.connectionsPerAddress),
      { keep: true },
    );
    return limiter.run(address, () => probeWithRetry(mx, address, settings, transport.retryDelayMs));
  });
}
