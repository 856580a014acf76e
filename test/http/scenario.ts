import type { Finding, Status } from '../../src/model.ts';
import type { StateStore } from '../../src/state/store.ts';
import type { DomainState, HistoryEntry, TrackedFinding } from '../../src/state/types.ts';

export const DAY = 86_400_000;

/** What one domain publishes and how it is judged: check id → status (one finding per check, on the domain). */
export type Verdicts = Record<string, Status>;

export const ALL_OK: Verdicts = {
  'spf.policy': 'ok',
  'dmarc.policy': 'ok',
  'dkim.key': 'ok',
  'starttls.offered': 'ok',
  'dane.match': 'ok',
  'dnssec.chain': 'ok',
  'mtasts.policy': 'ok',
  'tlsrpt.record': 'ok',
  'mx.records': 'ok',
};

function finding(domain: string, check: string, status: Status): Finding {
  return {
    check,
    subject: domain,
    status,
    summary: `${check} is ${status} for ${domain}`,
    evidence: { record: `v=test; ${check}=${status}` },
    ...(status === 'ok' ? {} : { fix: `Publish a correct ${check.split('.')[0]} record for ${domain}.` }),
  };
}

export function standardsOf(verdicts: Verdicts): Record<string, Status> {
  const standards: Record<string, Status> = {};
  const rank = { ok: 0, info: 1, error: 2, warn: 3, fail: 4 };
  for (const [check, status] of Object.entries(verdicts)) {
    const standard = check.split('.')[0]!;
    const before = standards[standard];
    if (before === undefined || rank[status] > rank[before]) standards[standard] = status;
  }
  return standards;
}

/**
 * Writes one check of a domain through the interface, as the daemon does: its state, the standards whose status
 * changed (a period each), its SPF record, and a history entry plus an open alert for each check that got worse.
 */
export async function checkDomain(
  store: StateStore,
  domain: string,
  verdicts: Verdicts,
  at: Date,
  previous?: Verdicts,
): Promise<void> {
  const iso = at.toISOString();
  const findings: Record<string, TrackedFinding> = {};
  const history: HistoryEntry[] = [];
  const before = (await store.loadDomains([domain])).get(domain);
  for (const [check, status] of Object.entries(verdicts)) {
    const key = `${check}|${domain}`;
    const now = finding(domain, check, status);
    const tracked: TrackedFinding = { confirmed: now, errorCount: 0 };
    const old = previous?.[check];
    const kept = before?.findings[key]?.open;
    if (old !== undefined && old !== status) {
      const worse = ['warn', 'fail'].includes(status) && ['ok', 'info'].includes(old);
      const change = {
        kind: worse ? ('regression' as const) : ('recovery' as const),
        domain,
        check,
        subject: domain,
        before: finding(domain, check, old),
        after: now,
        at: iso,
      };
      history.push({
        at: iso,
        domain,
        kind: change.kind,
        check,
        subject: domain,
        before: { status: old, summary: change.before.summary, evidence: change.before.evidence },
        after: { status, summary: now.summary, evidence: now.evidence },
      });
      if (worse) tracked.open = { kind: 'regression', since: iso, lastNotifiedAt: iso, change };
    } else if (kept && ['warn', 'fail'].includes(status)) tracked.open = kept;
    findings[key] = tracked;
  }
  const standards = standardsOf(verdicts);
  const previousStandards = previous ? standardsOf(previous) : {};
  const state: DomainState = {
    domain,
    standards,
    findings,
    reports: (before?.reports ?? 0) + 1,
    lastCheckedAt: iso,
    nextDueAt: new Date(at.getTime() + 3_600_000).toISOString(),
  };
  await store.commitBatch({
    domains: [state],
    history,
    standards: Object.entries(standards)
      .filter(([standard, status]) => previousStandards[standard] !== status)
      .map(([standard, status]) => ({ domain, standard, status, at: iso })),
    records: [
      {
        domain,
        kind: 'spf',
        subject: domain,
        value: verdicts['spf.policy'] === 'ok' ? 'v=spf1 mx -all' : 'v=spf1 +all',
        at: iso,
      },
    ],
    outbox: [],
  });
}

export interface Scenario {
  now: Date;
  domains: { name: string; tags: string[] }[];
}

/**
 * Five domains with 100 days of history ending at `now`:
 * - good.example: every standard ok all along;
 * - spf-broke.example (tag customer-a): SPF ok, then `+all` (fail) for the last 10 days, an open alert;
 * - nodnssec.example (tags customer-a, gold): DNSSEC failing all along, DANE failing with it;
 * - flaky.example: DMARC fail for days 60–50 before now, recovered since;
 * - new.example: configured, never checked.
 */
export async function fillScenario(store: StateStore, now: Date): Promise<Scenario> {
  const domains = [
    { name: 'good.example', tags: [] },
    { name: 'spf-broke.example', tags: ['customer-a'] },
    { name: 'nodnssec.example', tags: ['customer-a', 'gold'] },
    { name: 'flaky.example', tags: [] },
    { name: 'new.example', tags: [] },
  ];
  await store.syncDomains(domains, new Date(now.getTime() - 100 * DAY).toISOString());
  const start = new Date(now.getTime() - 100 * DAY);
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
  await checkDomain(store, 'good.example', ALL_OK, start);
  await checkDomain(store, 'good.example', ALL_OK, daysAgo(0.01), ALL_OK);

  const spfFail = { ...ALL_OK, 'spf.policy': 'fail' as const };
  await checkDomain(store, 'spf-broke.example', ALL_OK, start);
  await checkDomain(store, 'spf-broke.example', spfFail, daysAgo(10), ALL_OK);
  await checkDomain(store, 'spf-broke.example', spfFail, daysAgo(0.01), spfFail);

  const noDnssec = { ...ALL_OK, 'dnssec.chain': 'fail' as const, 'dane.match': 'warn' as const };
  await checkDomain(store, 'nodnssec.example', noDnssec, start);
  await checkDomain(store, 'nodnssec.example', noDnssec, daysAgo(0.02), noDnssec);

  const dmarcFail = { ...ALL_OK, 'dmarc.policy': 'fail' as const };
  await checkDomain(store, 'flaky.example', ALL_OK, start);
  await checkDomain(store, 'flaky.example', dmarcFail, daysAgo(60), ALL_OK);
  await checkDomain(store, 'flaky.example', ALL_OK, daysAgo(50), dmarcFail);
  return { now, domains };
}
