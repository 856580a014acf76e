import type { Config, DomainConfig } from '../config/load.ts';
import type { DnssecSettings } from '../monitors/dnssec/settings.ts';
import type { CheckLimits } from '../monitors/limits.ts';
import { type CheckOptions, DEFAULT_CHECK_OPTIONS } from '../monitors/types.ts';
import type { TransportOptions } from '../smtp/settings.ts';

type Checks = Config['checks'];

/** Keeps only the keys that were set, so the monitors' own defaults apply to the rest. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

export function dnssecOptions(dnssec: Checks['dnssec']): Partial<DnssecSettings> {
  return defined({
    expiryWarnSeconds: seconds(dnssec.expiryWarn),
    expiryWarnFraction: dnssec.expiryWarnFraction,
    expiryFailSeconds: seconds(dnssec.expiryFail),
    staleAfterSeconds: seconds(dnssec.staleAfter),
    clockSkewSeconds: seconds(dnssec.clockSkew),
    maxNsec3Iterations: dnssec.maxNsec3Iterations,
  });
}

export function transportOptions(transport: Checks['transport']): Partial<TransportOptions> {
  return defined({
    smtpPort: transport.smtpPort,
    bannerTimeoutMs: transport.bannerTimeout,
    retryDelayMs: transport.retryDelay,
    connectionsPerAddress: transport.connectionsPerAddress,
    legacyTls: transport.legacyTls,
    certificateWarnDays: transport.certificateWarnDays,
    certificateFailDays: transport.certificateFailDays,
    rolloverWarnDays: transport.rolloverWarnDays,
    httpsPort: transport.httpsPort,
    mtaStsMaxBytes: transport.mtaStsMaxBytes,
    probeDeadlineMs: transport.probeDeadline,
  });
}

export function limitOptions(limits: Checks['limits']): Partial<CheckLimits> {
  return defined({
    domainDeadlineMs: limits.domainDeadline,
    dnsQueriesPerDomain: limits.dnsQueriesPerDomain,
    dnsBytesPerDomain: limits.dnsBytesPerDomain,
    mxHostsPerDomain: limits.mxHostsPerDomain,
    addressesPerHost: limits.addressesPerHost,
  });
}

/** The CheckOptions of one domain: its own selectors and sender IPs, everything else from `checks` and `dns`. */
export function checkOptionsFor(config: Config, domain: DomainConfig): CheckOptions {
  const checks = config.checks;
  const dnssec = dnssecOptions(checks.dnssec);
  const transport = transportOptions(checks.transport);
  const limits = limitOptions(checks.limits);
  return {
    ...DEFAULT_CHECK_OPTIONS,
    dkimSelectors: domain.dkimSelectors.length > 0 ? domain.dkimSelectors : checks.dkimSelectors,
    spfSenderIps: domain.spfSenderIps,
    ehloName: checks.ehloName,
    allowPrivateTargets: checks.allowPrivateTargets,
    timeoutMs: checks.timeout,
    ...(config.dns.trustAnchorFile ? { trustAnchorFile: config.dns.trustAnchorFile } : {}),
    ...(checks.caFile ? { caFile: checks.caFile } : {}),
    ...(Object.keys(dnssec).length > 0 ? { dnssec } : {}),
    ...(Object.keys(transport).length > 0 ? { transport } : {}),
    ...(checks.rpki.vrps || checks.rpki.origins ? { rpki: { ...checks.rpki } } : {}),
    ...(Object.keys(limits).length > 0 ? { limits } : {}),
  };
}
