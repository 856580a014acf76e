/**
 * What one domain check may cost. A hosted customer controls its own DNS: without these bounds one hostile domain
 * (an SPF include bomb, 500 MX hosts, a 1,000-address rua list) could hold the daemon's memory, time and probes.
 */
export interface CheckLimits {
  /** Wall-clock time of one domain check; then its remaining DNS queries fail fast and it reports check.limits. */
  domainDeadlineMs: number;
  /** DNS queries (cache hits included) one domain check may ask. */
  dnsQueriesPerDomain: number;
  /** Bytes of DNS answers (owner names + RDATA) one domain check may receive: its memory bound. */
  dnsBytesPerDomain: number;
  /** MX hosts probed (STARTTLS, DANE) per domain, in preference order. */
  mxHostsPerDomain: number;
  /** Addresses probed per MX host. */
  addressesPerHost: number;
}

export const DEFAULT_CHECK_LIMITS: CheckLimits = {
  domainDeadlineMs: 180_000,
  dnsQueriesPerDomain: 2_000,
  dnsBytesPerDomain: 4 * 1024 * 1024,
  mxHostsPerDomain: 10,
  addressesPerHost: 4,
};

/** The limits in force: the check options' own (CheckOptions.limits) over the defaults. */
export function checkLimits(options: { limits?: Partial<CheckLimits> }): CheckLimits {
  return { ...DEFAULT_CHECK_LIMITS, ...options.limits };
}
