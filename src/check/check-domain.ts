import { say } from '../i18n/say.ts';
import type { DomainReport, Finding } from '../model.ts';
import { MONITORS } from '../monitors/registry.ts';
import type { Monitor, MonitorContext } from '../monitors/types.ts';

/** Normalises what a user typed into a domain name: lowercase, no trailing dot, IDN to A-labels. */
export function normaliseDomain(input: string): string {
  const trimmed = input.trim().replace(/\.$/, '').toLowerCase();
  if (trimmed === '') return trimmed;
  try {
    return new URL(`http://${trimmed}`).hostname;
  } catch {
    return trimmed;
  }
}

/** Runs every monitor for one domain. A monitor that throws becomes one `error` finding, never a crash. */
export async function checkDomain(
  context: MonitorContext,
  domain: string,
  monitors: readonly Monitor[] = MONITORS,
): Promise<DomainReport> {
  const checkedAt = context.now().toISOString();
  const perMonitor = await Promise.all(monitors.map((monitor) => runMonitor(monitor, context, domain)));
  return { domain, checkedAt, findings: perMonitor.flat() };
}

async function runMonitor(monitor: Monitor, context: MonitorContext, domain: string): Promise<Finding[]> {
  try {
    return await monitor.run(context, domain);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [
      {
        check: `${monitor.name}.monitor`,
        subject: domain,
        status: 'error',
        ...say('*', 'monitor-crashed', { monitor: monitor.name, error: message }),
        evidence: { error: message },
      },
    ];
  }
}

/** Checks many domains with bounded concurrency, keeping input order. */
export async function checkDomains(
  domains: readonly string[],
  contextFor: (domain: string) => MonitorContext,
  concurrency: number,
  monitors: readonly Monitor[] = MONITORS,
): Promise<DomainReport[]> {
  const reports: DomainReport[] = new Array(domains.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < domains.length) {
      const index = next++;
      const domain = domains[index]!;
      reports[index] = await checkDomain(contextFor(domain), domain, monitors);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, domains.length)) }, worker));
  return reports;
}
