import { describe, expect, it } from 'vitest';
import type { DomainReport, Finding, Status } from '../../src/model.ts';
import { type AlertSettings, evaluate } from '../../src/state/diff.ts';
import type { DomainState } from '../../src/state/types.ts';

const settings: AlertSettings = {
  failureThreshold: 2,
  successThreshold: 2,
  unreachableThreshold: 3,
  expiringThreshold: 14 * 86_400_000,
  reminderInterval: 86_400_000,
};

const finding = (check: string, status: Status, extra: Partial<Finding> = {}): Finding => ({
  check,
  subject: 'example.nl',
  status,
  summary: `${check} is ${status}`,
  evidence: {},
  ...extra,
});

const report = (...findings: Finding[]): DomainReport => ({
  domain: 'example.nl',
  checkedAt: '2025-01-01T00:00:00Z',
  findings,
});

/** Feeds reports one minute apart and returns every change kind seen per step. */
function run(steps: DomainReport[], start = Date.parse('2025-01-01T00:00:00Z')) {
  let state: DomainState | undefined;
  return steps.map((step, index) => {
    const result = evaluate(state, step, settings, new Date(start + index * 60_000));
    state = result.state;
    return { kinds: result.changes.map((c) => c.kind), result };
  });
}

describe('diff and alert semantics', () => {
  it('opens an alert at the first check for what already fails or warns (a baseline change), and for nothing else', () => {
    const [first] = run([
      report(finding('spf.policy', 'fail'), finding('dmarc.policy', 'ok'), finding('dkim.key', 'warn')),
    ]);
    expect(first!.kinds).toEqual(['baseline', 'baseline']);
    const [spf, dkim] = first!.result.changes;
    expect(spf).toMatchObject({ check: 'spf.policy', after: { status: 'fail' } });
    expect(spf!.before).toBeUndefined();
    expect(spf!.alert).toEqual({ kind: 'regression', since: '2025-01-01T00:00:00.000Z', status: 'fail' });
    expect(dkim!.alert?.status).toBe('warn');
    const findings = first!.result.state.findings;
    expect(findings['spf.policy|example.nl']?.open?.kind).toBe('regression');
    expect(findings['dmarc.policy|example.nl']?.open).toBeUndefined();
  });

  it('a domain broken at its first check is reminded, and its recovery resolves the alert it opened', () => {
    let state: DomainState | undefined;
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const at = (ms: number) => new Date(t0 + ms);
    const first = evaluate(state, report(finding('spf.policy', 'fail')), settings, at(0));
    state = first.state;
    const later = evaluate(state, report(finding('spf.policy', 'fail')), settings, at(settings.reminderInterval));
    expect(later.reminders.map((c) => c.kind)).toEqual(['baseline']);
    state = later.state;
    state = evaluate(
      state,
      report(finding('spf.policy', 'ok')),
      settings,
      at(settings.reminderInterval + 60_000),
    ).state;
    const recovered = evaluate(
      state,
      report(finding('spf.policy', 'ok')),
      settings,
      at(settings.reminderInterval + 120_000),
    );
    expect(recovered.changes.map((c) => c.kind)).toEqual(['recovery']);
    expect(recovered.changes[0]!.alert).toEqual(first.changes[0]!.alert);
  });

  it('keeps the identity of an alert through a partial recovery, and an escalation names the alert it replaces', () => {
    const steps = run([
      report(finding('dmarc.policy', 'ok')),
      report(finding('dmarc.policy', 'warn')),
      report(finding('dmarc.policy', 'warn')),
      report(finding('dmarc.policy', 'fail')),
      report(finding('dmarc.policy', 'fail')),
      report(finding('dmarc.policy', 'warn')),
      report(finding('dmarc.policy', 'warn')),
      report(finding('dmarc.policy', 'ok')),
      report(finding('dmarc.policy', 'ok')),
    ]);
    const warnAlert = steps[2]!.result.changes[0]!.alert!;
    expect(warnAlert.status).toBe('warn');
    const escalation = steps[4]!.result.changes[0]!;
    expect(escalation.kind).toBe('regression');
    expect(escalation.replaces).toEqual(warnAlert);
    expect(escalation.alert?.status).toBe('fail');
    const partial = steps[6]!.result.changes[0]!;
    expect(partial).toMatchObject({ kind: 'recovery', after: { status: 'warn' } });
    expect(partial.alert).toEqual(escalation.alert);
    const full = steps[8]!.result.changes[0]!;
    expect(full).toMatchObject({ kind: 'recovery', after: { status: 'ok' } });
    expect(full.alert).toEqual(escalation.alert);
  });

  it('confirms a regression only at the second consecutive worse result, and asks for a quick re-check', () => {
    const steps = run([
      report(finding('dmarc.policy', 'ok')),
      report(finding('dmarc.policy', 'warn')),
      report(finding('dmarc.policy', 'warn')),
    ]);
    expect(steps[1]!.kinds).toEqual([]);
    expect(steps[1]!.result.needsRecheck).toBe(true);
    expect(steps[2]!.kinds).toEqual(['regression']);
    const change = steps[2]!.result.changes[0]!;
    expect(change.before?.status).toBe('ok');
    expect(change.after?.status).toBe('warn');
    expect(steps[2]!.result.state.findings['dmarc.policy|example.nl']?.open?.kind).toBe('regression');
  });

  it('a single bad result between good ones is a flap, never an alert', () => {
    const steps = run([
      report(finding('dmarc.policy', 'ok')),
      report(finding('dmarc.policy', 'fail')),
      report(finding('dmarc.policy', 'ok')),
      report(finding('dmarc.policy', 'fail')),
      report(finding('dmarc.policy', 'ok')),
    ]);
    expect(steps.flatMap((s) => s.kinds)).toEqual([]);
  });

  it('error is never a regression and neither confirms nor cancels one', () => {
    const steps = run([
      report(finding('dane.match', 'ok')),
      report(finding('dane.match', 'error')),
      report(finding('dane.match', 'fail')),
      report(finding('dane.match', 'error')),
      report(finding('dane.match', 'fail')),
    ]);
    expect(steps.map((s) => s.kinds)).toEqual([[], [], [], [], ['regression']]);
  });

  it('announces recovery after successThreshold good results and closes the alert', () => {
    const steps = run([
      report(finding('dmarc.policy', 'ok')),
      report(finding('dmarc.policy', 'fail')),
      report(finding('dmarc.policy', 'fail')),
      report(finding('dmarc.policy', 'ok')),
      report(finding('dmarc.policy', 'ok')),
    ]);
    expect(steps.map((s) => s.kinds)).toEqual([[], [], ['regression'], [], ['recovery']]);
    expect(steps[4]!.result.state.findings['dmarc.policy|example.nl']?.open).toBeUndefined();
  });

  it('raises unreachable after N errors and a recovery when verdicts return', () => {
    const steps = run([
      report(finding('mx.records', 'ok')),
      report(finding('mx.records', 'error')),
      report(finding('mx.records', 'error')),
      report(finding('mx.records', 'error')),
      report(finding('mx.records', 'error')),
      report(finding('mx.records', 'ok')),
    ]);
    expect(steps.map((s) => s.kinds)).toEqual([[], [], [], ['unreachable'], [], ['recovery']]);
  });

  it('confirms new and gone findings, but never calls a finding gone while the report has errors', () => {
    const host = (status: Status) => finding('starttls.offered', status, { subject: 'mx2.example.nl' });
    const mx = finding('mx.records', 'ok');
    const steps = run([
      report(mx),
      report(mx, host('fail')),
      report(mx, host('fail')),
      report(finding('mx.records', 'error')),
      report(finding('mx.records', 'error')),
      report(mx),
      report(mx),
    ]);
    expect(steps.map((s) => s.kinds)).toEqual([[], [], ['new'], [], [], [], ['gone']]);
  });

  it('announces an expiring ok finding once per expiry date', () => {
    const soon = finding('dnssec.expiry', 'ok', { expiresAt: '2025-01-10T00:00:00Z' });
    const later = finding('dnssec.expiry', 'ok', { expiresAt: '2025-03-10T00:00:00Z' });
    const steps = run([report(soon), report(soon), report(soon), report(later), report(later)]);
    expect(steps.map((s) => s.kinds)).toEqual([[], ['expiring'], [], [], []]);
  });

  it('reminds about an open failure after the reminder interval, once per interval', () => {
    let state: DomainState | undefined;
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    const apply = (status: Status, offsetMs: number) => {
      const result = evaluate(state, report(finding('spf.policy', status)), settings, new Date(t0 + offsetMs));
      state = result.state;
      return result;
    };
    apply('ok', 0);
    apply('fail', 60_000);
    expect(apply('fail', 120_000).changes.map((c) => c.kind)).toEqual(['regression']);
    expect(apply('fail', 3_600_000).reminders).toEqual([]);
    const reminded = apply('fail', 120_000 + 86_400_000);
    expect(reminded.reminders.map((c) => c.kind)).toEqual(['regression']);
    expect(apply('fail', 120_000 + 86_400_000 + 3_600_000).reminders).toEqual([]);
  });
});
