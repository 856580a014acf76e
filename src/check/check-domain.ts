import { say } from '../i18n/say.ts';
import type { DomainReport, Finding } from '../model.ts';
import { checkLimits } from '../monitors/limits.ts';
import { MONITORS } from '../monitors/registry.ts';
import type { Monitor, MonitorContext } from '../monitors/types.ts';
import { DomainBudget, type EndReason } from './domain-budget.ts';
import { boundFinding } from './finding-bounds.ts';

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

/** After the deadline, monitors get this long to turn their failing DNS queries into findings. */
const WIND_DOWN_MS = 2_000;

export interface CheckDomainOptions {
  /** Stops the check early; its reason (an EndReason: 'batch-deadline' or 'stopping') is what the finding names. */
  signal?: AbortSignal;
}

/**
 * Runs every monitor for one domain, within the domain's limits (deadline, DNS queries and bytes): a domain over a
 * limit gets a check.limits finding that names it, and every finding is bounded in size. A monitor that throws
 * becomes one `error` finding, never a crash.
 */
export async function checkDomain(
  context: MonitorContext,
  domain: string,
  monitors: readonly Monitor[] = MONITORS,
  options: CheckDomainOptions = {},
): Promise<DomainReport> {
  const checkedAt = context.now().toISOString();
  const limits = checkLimits(context.options);
  const budget = new DomainBudget(context.dns, limits, domain);
  const limited: MonitorContext = {
    ...context,
    dns: budget.client,
    shared: context.shared.scoped(() => budget.hit.size > 0),
  };
  const results: (Finding[] | undefined)[] = monitors.map(() => undefined);
  const running = Promise.all(
    monitors.map(async (monitor, index) => {
      results[index] = await runMonitor(monitor, limited, domain);
    }),
  );
  const late = lateness(limits.domainDeadlineMs, options.signal);
  let endedBy: EndReason = 'deadline';
  try {
    const finished = await Promise.race([running.then(() => true), late.passed]);
    if (!finished) {
      const reason = options.signal?.aborted ? (options.signal.reason as EndReason) : 'deadline';
      endedBy = reason === 'batch-deadline' || reason === 'stopping' ? reason : 'deadline';
      budget.expire(endedBy);
      await Promise.race([running, delay(WIND_DOWN_MS)]);
    }
  } finally {
    late.clear();
  }
  const unfinished = monitors.filter((_, index) => results[index] === undefined).map((monitor) => monitor.name);
  const findings = results.flatMap(
    (found, index) => found ?? [lateMonitorFinding(monitors[index]!.name, domain, endedBy, limits.domainDeadlineMs)],
  );
  if (budget.hit.size > 0) findings.push(limitsFinding(domain, budget, limits.domainDeadlineMs, unfinished));
  return { domain, checkedAt, findings: findings.map(boundFinding) };
}

function lateness(deadlineMs: number, signal: AbortSignal | undefined): { passed: Promise<false>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const passed = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
    timer.unref?.();
    if (signal) {
      onAbort = () => resolve(false);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  return {
    passed,
    clear() {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    },
  };
}

const delay = (ms: number): Promise<undefined> =>
  new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref?.());

function lateMonitorFinding(monitor: string, domain: string, limit: EndReason, deadlineMs: number): Finding {
  return {
    check: `${monitor}.monitor`,
    subject: domain,
    status: 'error',
    ...say('*', 'monitor-unfinished', { monitor, domain, limit, deadlineMs }),
    evidence: { limit },
  };
}

/** check.limits: the domain's check stopped at a limit; what it found until then stands, the rest is `error`. */
function limitsFinding(domain: string, budget: DomainBudget, deadlineMs: number, unfinished: string[]): Finding {
  const hit = [...budget.hit];
  return {
    check: 'check.limits',
    subject: domain,
    status: 'error',
    ...say('check.limits', 'limits-hit', { domain, limits: hit, deadlineMs }),
    evidence: { limits: hit, dnsQueries: budget.queries, dnsBytes: budget.bytes, unfinished },
  };
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

export interface CheckDomainsOptions {
  /** Wall-clock time of the whole batch: then no new domain starts and the running ones stop at their deadline. */
  batchDeadlineMs?: number;
  /** Stops the batch the same way (the daemon is stopping). */
  signal?: AbortSignal;
}

/** Checks many domains with bounded concurrency, keeping input order. */
export async function checkDomains(
  domains: readonly string[],
  contextFor: (domain: string) => MonitorContext,
  concurrency: number,
  monitors: readonly Monitor[] = MONITORS,
  options: CheckDomainsOptions = {},
): Promise<DomainReport[]> {
  const reports: DomainReport[] = new Array(domains.length);
  const batch = new AbortController();
  const timer =
    options.batchDeadlineMs === undefined
      ? undefined
      : setTimeout(() => batch.abort('batch-deadline'), options.batchDeadlineMs);
  timer?.unref?.();
  const stop = () => batch.abort('stopping');
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < domains.length) {
      const index = next++;
      const domain = domains[index]!;
      const context = contextFor(domain);
      reports[index] = batch.signal.aborted
        ? notStartedReport(context, domain, batch.signal.reason === 'stopping' ? undefined : options.batchDeadlineMs)
        : await checkDomain(context, domain, monitors, { signal: batch.signal });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, domains.length)) }, worker));
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', stop);
  }
  return reports;
}

/** A domain the batch had no time left for (or mailwarden is stopping): one `error`, so nothing counts as gone. */
function notStartedReport(context: MonitorContext, domain: string, batchDeadlineMs: number | undefined): DomainReport {
  return {
    domain,
    checkedAt: context.now().toISOString(),
    findings: [
      {
        check: 'check.limits',
        subject: domain,
        status: 'error',
        ...say('check.limits', 'not-checked', batchDeadlineMs === undefined ? { domain } : { domain, batchDeadlineMs }),
        evidence: { limits: [batchDeadlineMs === undefined ? 'stopping' : 'batch-deadline'] },
      },
    ],
  };
}
