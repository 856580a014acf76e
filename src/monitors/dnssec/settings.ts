/** Thresholds of the dnssec.* checks; every field optional in CheckOptions.dnssec, defaults here. */
export interface DnssecSettings {
  /** dnssec.expiry warns when the earliest RRSIG expires within this many seconds (default 3 days). */
  expiryWarnSeconds: number;
  /** …or when less than this fraction of the signature's lifetime remains (default 0.2). */
  expiryWarnFraction: number;
  /** dnssec.expiry fails within this many seconds (default 12 hours). */
  expiryFailSeconds: number;
  /** dnssec.consistency: a server whose signatures expire this much earlier than the best server's is stale (1 day). */
  staleAfterSeconds: number;
  /** Clock skew allowed when checking signature validity windows (default 300 s). */
  clockSkewSeconds: number;
  /** NSEC3 iterations above which validators treat a zone as insecure (default 150, as Unbound). */
  maxNsec3Iterations: number;
}

export const DNSSEC_DEFAULTS: DnssecSettings = {
  expiryWarnSeconds: 3 * 86400,
  expiryWarnFraction: 0.2,
  expiryFailSeconds: 12 * 3600,
  staleAfterSeconds: 86400,
  clockSkewSeconds: 300,
  maxNsec3Iterations: 150,
};

export function dnssecSettings(overrides: Partial<DnssecSettings> | undefined): DnssecSettings {
  return { ...DNSSEC_DEFAULTS, ...overrides };
}
