import { describe, expect, it } from 'vitest';
import {
  alertmanagerAlerts,
  endsAtHorizon,
  type PostableAlert,
  resendOpenAlerts,
} from '../../src/alerts/alertmanager.ts';
import { noticeFor, resolverNotice } from '../../src/daemon/notices.ts';
import type { DomainReport, Status } from '../../src/model.ts';
import { type AlertSettings, evaluate } from '../../src/state/diff.ts';
import type { DomainState } from '../../src/state/types.ts';

const settings: AlertSettings = {
  failureThreshold: 1,
  successThreshold: 1,
  unreachableThreshold: 2,
  expiringThreshold: 0,
  reminderInterval: 86_400_000,
};
const options = { resendInterval: 60_000 };
const now = new Date('2026-01-01T12:00:00Z');
const report = (status: Status): DomainReport => ({
  domain: 'a.example',
  checkedAt: now.toISOString(),
  findings: [{ check: 'dmarc.policy', subject: 'a.example', status, summary: `policy ${status}`, evidence: {} }],
});

/** Feeds statuses one minute apart; returns each step's changes and the final state. */
function steps(statuses: Status[]) {
  let state: DomainState | undefined;
  const changes = statuses.map((status, index) => {
    const result = evaluate(state, report(status), settings, new Date(now.getTime() + index * 60_000));
    state = result.state;
    return result.changes;
  });
  return { changes, state: state! };
}

describe('Alertmanager alerts from notices', () => {
  it('fires with endsAt = now + 4 × resendInterval; a recovery resolves under the same labels', () => {
    const { changes } = steps(['ok', 'fail', 'ok']);
    const [fired] = alertmanagerAlerts(
      [noticeFor('regression', changes[1]![0]!, ['t'], now.toISOString())],
      options,
      now,
    );
    expect(fired!.endsAt).toBe(new Date(now.getTime() + endsAtHorizon(60_000)).toISOString());
    expect(endsAtHorizon(60_000)).toBe(240_000);
    const recovery = changes[2]![0]!;
    const [resolved] = alertmanagerAlerts([noticeFor('recovery', recovery, ['t'], recovery.at)], options, now);
    expect(resolved!.labels).toEqual(fired!.labels);
    expect(resolved!.startsAt).toBe(fired!.startsAt);
    expect(resolved!.endsAt).toBe(recovery.at);
  });

  it('a partial recovery (fail → warn) keeps the critical alert firing; the final recovery resolves it', () => {
    const { changes } = steps(['ok', 'fail', 'warn', 'ok']);
    const fired = alertmanagerAlerts([noticeFor('regression', changes[1]![0]!, [], now.toISOString())], options, now);
    const partial = alertmanagerAlerts([noticeFor('recovery', changes[2]![0]!, [], now.toISOString())], options, now);
    expect(partial[0]!.labels).toEqual(fired[0]!.labels);
    expect(partial[0]!.labels.severity).toBe('critical');
    expect(Date.parse(partial[0]!.endsAt)).toBeGreaterThan(now.getTime());
    const final = alertmanagerAlerts([noticeFor('recovery', changes[3]![0]!, [], changes[3]![0]!.at)], options, now);
    expect(final[0]!.labels).toEqual(fired[0]!.labels);
    expect(final[0]!.endsAt).toBe(changes[3]![0]!.at);
  });

  it('an escalation (warn → fail) fires the critical alert and resolves the warning one it replaces', () => {
    const { changes } = steps(['ok', 'warn', 'fail']);
    const warning = alertmanagerAlerts([noticeFor('regression', changes[1]![0]!, [], now.toISOString())], options, now);
    const escalation = alertmanagerAlerts(
      [noticeFor('regression', changes[2]![0]!, [], changes[2]![0]!.at)],
      options,
      now,
    );
    expect(escalation.map((a) => a.labels.severity)).toEqual(['critical', 'warning']);
    expect(escalation[1]!.labels).toEqual(warning[0]!.labels);
    expect(escalation[1]!.endsAt).toBe(changes[2]![0]!.at);
  });

  it('names alerts per kind: unreachable, expiring, resolver; changed notices are not alerts', () => {
    const { changes } = steps(['ok', 'error', 'error']);
    const unreachable = changes[2]![0]!;
    expect(unreachable.kind).toBe('unreachable');
    const [alert] = alertmanagerAlerts([noticeFor('unreachable', unreachable, [], now.toISOString())], options, now);
    expect(alert!.labels).toMatchObject({
      alertname: 'MailwardenUnreachable',
      kind: 'unreachable',
      severity: 'warning',
    });
    const down = resolverNotice('resolver-down', 'canary failed', '2026-01-01T11:00:00.000Z', now.toISOString());
    const up = resolverNotice('resolver-up', 'answers', '2026-01-01T11:00:00.000Z', now.toISOString());
    const [firing, resolved] = alertmanagerAlerts([down, up], options, now);
    expect(firing!.labels.alertname).toBe('MailwardenResolver');
    expect(firing!.startsAt).toBe('2026-01-01T11:00:00.000Z');
    expect(resolved!.labels).toEqual(firing!.labels);
    expect(resolved!.endsAt).toBe(now.toISOString());
    const changed = {
      key: 'c',
      type: 'changed' as const,
      tags: [],
      at: now.toISOString(),
      record: {
        domain: 'a.example',
        kind: 'spf',
        subject: 'a.example',
        before: 'v=spf1 -all',
        after: 'v=spf1 mx -all',
      },
    };
    expect(alertmanagerAlerts([changed], options, now)).toEqual([]);
  });

  it("names a cluster worker's resolver alert by its worker: the notice and the re-send are the same alert", async () => {
    const since = '2026-01-01T11:00:00.000Z';
    const down = resolverNotice('resolver-down', 'canary failed', since, now.toISOString(), 'host-a:101');
    expect(down.detail).toBe('worker host-a:101: canary failed');
    const other = resolverNotice('resolver-down', 'canary failed', since, now.toISOString(), 'host-b:202');
    // Two workers failing at the same instant are two notices (the outbox drops a repeated key), and two alerts.
    expect(other.key).not.toBe(down.key);
    const [a, b] = alertmanagerAlerts([down, other], options, now);
    expect(a!.labels).toEqual({
      alertname: 'MailwardenResolver',
      kind: 'resolver',
      severity: 'critical',
      worker: 'host-a:101',
    });
    expect(b!.labels.worker).toBe('host-b:202');
    const posted: PostableAlert[] = [];
    await resendOpenAlerts(
      (async function* () {})(),
      async (alerts) => {
        posted.push(...alerts);
      },
      {
        ...options,
        resolversDown: [
          { worker: 'host-a:101', since, detail: down.detail! },
          { worker: 'host-b:202', since, detail: other.detail! },
        ],
      },
      now,
    );
    expect(posted.map((alert) => alert.labels)).toEqual([a!.labels, b!.labels]);
    expect(posted.map((alert) => alert.startsAt)).toEqual([since, since]);
    const up = resolverNotice('resolver-up', 'answers', since, now.toISOString(), 'host-a:101');
    const [resolved] = alertmanagerAlerts([up], options, now);
    expect(resolved!.labels).toEqual(a!.labels);
    expect(resolved!.endsAt).toBe(now.toISOString());
  });

  it('re-sends every open alert in bounded batches, skipping silenced ones, with the resolver alert', async () => {
    const states = ['a', 'b', 'c'].map((name) => {
      const { state } = steps(['ok', 'fail']);
      return { ...state, domain: `${name}.example` };
    });
    const open = async function* () {
      for (const state of states)
        for (const tracked of Object.values(state.findings))
          if (tracked.open)
            yield { domain: state.domain, check: 'dmarc.policy', subject: state.domain, alert: tracked.open };
    };
    const posts: number[] = [];
    const sent = await resendOpenAlerts(
      open(),
      async (alerts) => {
        posts.push(alerts.length);
      },
      {
        ...options,
        batchSize: 2,
        tagsOf: (domain) => (domain === 'a.example' ? ['gold'] : []),
        isSilenced: (row) => row.domain === 'c.example',
        resolversDown: [{ since: now.toISOString(), detail: 'canary failed' }],
      },
      now,
    );
    expect(sent).toBe(3);
    expect(posts).toEqual([2, 1]);
  });
});
