import type { DnsClient } from '../dns/types.ts';
import type { Finding } from '../model.ts';
import type { TargetGuard } from '../net/target-guard.ts';
import type { TransportOptions } from '../smtp/settings.ts';
import type { DnssecSettings } from './dnssec/settings.ts';
import type { CheckLimits } from './limits.ts';
import type { RpkiSettings } from './rpki/settings.ts';
import type { RunShared } from './run-shared.ts';

/** Options that shape a check of one domain; built from CLI flags or config (per domain, with global defaults). */
export interface CheckOptions {
  /** DKIM selectors to check; empty means: try the common ones. */
  dkimSelectors: string[];
  /** Sender IPs that must pass SPF (spf.authorized). */
  spfSenderIps: string[];
  /** Zone-file DS/DNSKEY trust anchors; undefined means the built-in IANA root anchors. */
  trustAnchorFile?: string;
  /** Extra CA bundle (PEM) for certificate validation (SMTP, MTA-STS). */
  caFile?: string;
  /** Name used in SMTP EHLO. */
  ehloName: string;
  /** Whether targets learned from DNS may be special-purpose addresses (loopback, RFC 1918, …). */
  allowPrivateTargets: boolean;
  /** Timeout for one network operation, ms. */
  timeoutMs: number;
  /** STARTTLS/DANE/MTA-STS knobs (SMTP port, retry delay, certificate thresholds, …); defaults in src/smtp/settings.ts. */
  transport?: Partial<TransportOptions>;
  /** dnssec.* thresholds (expiry warn/fail, stale secondary, clock skew, NSEC3 iterations); defaults in src/monitors/dnssec/settings.ts. */
  dnssec?: Partial<DnssecSettings>;
  /** RPKI origin validation sources; without both, the rpki monitor reports that it is not configured. */
  rpki?: RpkiSettings;
  /** What one domain check may cost (deadline, DNS queries and bytes, MX hosts probed); defaults in ./limits.ts. */
  limits?: Partial<CheckLimits>;
}

export const DEFAULT_CHECK_OPTIONS: CheckOptions = {
  dkimSelectors: [],
  spfSenderIps: [],
  ehloName: 'mailwarden.invalid',
  allowPrivateTargets: false,
  timeoutMs: 10_000,
};

/** Everything a monitor may use. Monitors know nothing of state or alerts. */
export interface MonitorContext {
  dns: DnsClient;
  guard: TargetGuard;
  options: CheckOptions;
  /** Per-run shared work (SMTP probes per IP, verified DNSKEY sets, MTA-STS policies), keyed by the caller. */
  shared: RunShared;
  now(): Date;
}

/**
 * One standard, one monitor, one file (like blackbox_exporter's ProbeFn): (context, domain) → findings.
 * A monitor never throws for a bad domain: it returns findings, with status `error` when it could not determine.
 */
export interface Monitor {
  /** Registry key, also the area prefix of its check ids: 'mx', 'spf', … */
  name: string;
  run(context: MonitorContext, domain: string): Promise<Finding[]>;
}
