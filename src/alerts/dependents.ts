import { type Finding, isWorse } from '../model.ts';
import type { DomainState } from '../state/types.ts';
import { sharedThingKey, sharedThingKeysOf } from './root-cause.ts';

/**
 * Which domains depend on which shared things (MX addresses, TLSA sets, DNS zones, SPF includes), from each domain's
 * latest findings. When a shared thing starts to look worse for one domain, the daemon re-checks every dependent at
 * once, so they confirm together and arrive as one root-cause notice instead of one per check slot.
 */
export class DependentsIndex {
  readonly #byKey = new Map<string, Set<string>>();
  readonly #byDomain = new Map<string, Set<string>>();

  /** Replaces what `domain` depends on with the shared things its findings name. */
  update(domain: string, findings: Iterable<Pick<Finding, 'check' | 'subject'> & Partial<Finding>>): void {
    const keys = new Set<string>();
    for (const finding of findings) {
      const key = sharedThingKey({ domain, check: finding.check, subject: finding.subject, after: finding as Finding });
      if (key) keys.add(key);
    }
    this.remove(domain);
    if (keys.size === 0) return;
    this.#byDomain.set(domain, keys);
    for (const key of keys) {
      const domains = this.#byKey.get(key) ?? new Set<string>();
      domains.add(domain);
      this.#byKey.set(key, domains);
    }
  }

  remove(domain: string): void {
    for (const key of this.#byDomain.get(domain) ?? []) {
      const domains = this.#byKey.get(key);
      domains?.delete(domain);
      if (domains?.size === 0) this.#byKey.delete(key);
    }
    this.#byDomain.delete(domain);
  }

  dependents(key: string): string[] {
    return [...(this.#byKey.get(key) ?? [])];
  }

  get size(): number {
    return this.#byKey.size;
  }
}

/** The shared things a domain depends on: those its confirmed findings name (what a cluster records per domain). */
export function dependencyKeysOf(state: DomainState): string[] {
  const confirmed = Object.values(state.findings).flatMap((tracked) => (tracked.confirmed ? [tracked.confirmed] : []));
  return [
    ...sharedThingKeysOf(
      state.domain,
      confirmed.map((finding) => ({ ...finding, after: finding })),
    ),
  ];
}

/**
 * The shared things that just started to look worse in a domain's new state: findings whose worse result was seen for
 * the first time (pending, count 1). The daemon re-checks the dependents of these keys now.
 */
export function newlyWorseSharedKeys(state: DomainState): Set<string> {
  const keys = new Set<string>();
  for (const tracked of Object.values(state.findings)) {
    const pending = tracked.pending;
    if (pending?.count !== 1 || !pending.finding || !tracked.confirmed) continue;
    if (pending.status === 'absent' || !isWorse(tracked.confirmed.status, pending.status)) continue;
    const key = sharedThingKey({
      domain: state.domain,
      check: pending.finding.check,
      subject: pending.finding.subject,
      after: pending.finding,
    });
    if (key) keys.add(key);
  }
  return keys;
}
