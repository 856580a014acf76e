import { describe, expect, it } from 'vitest';
import { DependentsIndex, newlyWorseSharedKeys } from '../../src/alerts/dependents.ts';
import { buildDigest } from '../../src/alerts/digest.ts';
import { type HeldNotice, planGroup } from '../../src/alerts/group-timing.ts';
import { renderSlackMessages } from '../../src/alerts/slack.ts';
import { noticeFor } from '../../src/daemon/notices.ts';
import type { DomainReport, Status } from '../../src/model.ts';
import { type AlertSettings, evaluate } from '../../src/state/diff.ts';
import type { DomainState } from '../../src/state/types.ts';

/**
 * The daemon's part, played by this test with the real pieces (diff, dependents index, group planner, digest, Slack
 * renderer): 100 domains on one shared MX address, each in its own check slot of a 1 h interval. The address stops
 * offering STARTTLS. The first domain to see it pending re-checks every dependent at once; they confirm together;
 * the route's group wait gathers the wave. At most 2 messages reach the channel.
 */
const MINUTE = 60_000;
const settings: AlertSettings = {
  failureThreshold: 2,
  successThreshold: 2,
  unreachableThreshold: 3,
  expiringThreshold: 0,
  reminderInterval: 24 * 60 * MINUTE,
};
const CONFIRM_DELAY = 3 * MINUTE;
const INTERVAL = 60 * MINUTE;
const timing = { groupWait: 30_000, groupInterval: 5 * MINUTE };

function report(domain: string, status: Status, at: number): DomainReport {
  const subject = 'mx.hoster.example/192.0.2.25';
  return {
    domain,
    checkedAt: new Date(at).toISOString(),
    findings: [
      { check: 'starttls.offered', subject, status, summary: `STARTTLS ${status}`, evidence: {} },
      { check: 'dmarc.policy', subject: domain, status: 'ok', summary: 'p=reject', evidence: {} },
    ],
  };
}

describe('a shared-MX fault across 100 domains in different slots', () => {
  it('re-checks the dependents at once and sends at most 2 messages', () => {
    const domains = Array.from({ length: 100 }, (_, i) => `d${String(i).padStart(3, '0')}.example`);
    const states = new Map<string, DomainState>();
    const due = new Map<string, number>();
    const index = new DependentsIndex();
    domains.forEach((domain, i) => {
      due.set(domain, Math.floor((i * INTERVAL) / domains.length));
    });
    const faultAt = 70 * MINUTE;
    const pending: HeldNotice[] = [];
    const messages: number[] = [];
    let lastSentAt: number | undefined;
    let alerted = 0;

    for (let now = 0; now <= 3 * INTERVAL; now += 10_000) {
      for (const domain of domains) {
        if (due.get(domain)! > now) continue;
        const status: Status = now >= faultAt ? 'fail' : 'ok';
        const evaluation = evaluate(states.get(domain), report(domain, status, now), settings, new Date(now));
        states.set(domain, evaluation.state);
        index.update(domain, report(domain, status, now).findings);
        due.set(domain, now + (evaluation.needsRecheck ? CONFIRM_DELAY : INTERVAL));
        for (const key of newlyWorseSharedKeys(evaluation.state))
          for (const dependent of index.dependents(key)) if (dependent !== domain) due.set(dependent, now);
        for (const change of evaluation.changes) {
          if (change.kind !== 'regression') continue;
          alerted++;
          pending.push({ notice: noticeFor('regression', change, [], change.at), heldSince: now });
        }
      }
      const plan = planGroup(pending.splice(0), timing, lastSentAt, now);
      pending.push(...plan.hold);
      if (plan.send.length > 0) {
        lastSentAt = now;
        messages.push(renderSlackMessages(buildDigest(plan.send)).length);
      }
    }
    expect(alerted).toBe(100);
    expect(messages.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
  });
});
