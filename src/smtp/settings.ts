import type { ProbeSettings } from './types.ts';

/** Knobs of the transport-security monitors (STARTTLS, DANE, MTA-STS); all optional in CheckOptions.transport. */
export interface TransportOptions {
  /** SMTP port of the MX hosts: 25 on the Internet; tests point it at an in-process server. */
  smtpPort: number;
  /** Wait for the 220 greeting: patient, some MTAs delay it on purpose. */
  bannerTimeoutMs: number;
  /** Wait before the single retry of a probe that hit a refusal, timeout or 4xx. */
  retryDelayMs: number;
  /** Simultaneous connections to one address (across all MX names and domains of a run). */
  connectionsPerAddress: number;
  /** Run the separate TLS 1.0/1.1 acceptance handshake. */
  legacyTls: boolean;
  /** starttls.certificate is warn below this many days to notAfter. */
  certificateWarnDays: number;
  /** … and fail below this many days (or when expired). */
  certificateFailDays: number;
  /** dane.rollover warns when the certificate expires within this many days and no next key is published. */
  rolloverWarnDays: number;
  /**
   * Who judges the DNSSEC status of TLSA RRsets: our own validator (src/dns/dnssec/, default) or the resolver's AD
   * bit (`resolver-ad`: for unit tests with an in-memory DNS, and as a fallback).
   */
  tlsaSecurity: 'validator' | 'resolver-ad';
  /** HTTPS port for MTA-STS policy fetches (443; tests override). */
  httpsPort: number;
  /** Largest MTA-STS policy we read (RFC 8461 suggests 64 KiB). */
  mtaStsMaxBytes: number;
  /**
   * Total time of one probe of one address: greeting + EHLO + STARTTLS + EHLO + QUIT (+ the legacy handshake).
   * Above the patient banner timeout, so a greet pause passes; a slow-loris server is cut off here and not retried.
   */
  probeDeadlineMs: number;
}

export const DEFAULT_TRANSPORT_OPTIONS: TransportOptions = {
  smtpPort: 25,
  bannerTimeoutMs: 60_000,
  retryDelayMs: 10_000,
  connectionsPerAddress: 1,
  legacyTls: true,
  certificateWarnDays: 14,
  certificateFailDays: 2,
  rolloverWarnDays: 30,
  tlsaSecurity: 'validator',
  httpsPort: 443,
  mtaStsMaxBytes: 64 * 1024,
  probeDeadlineMs: 90_000,
};

/** The part of a check's options the transport settings are built from (structurally a subset of CheckOptions). */
export interface TransportSource {
  ehloName: string;
  timeoutMs: number;
  transport?: Partial<TransportOptions>;
}

export function transportOptions(options: TransportSource): TransportOptions {
  return { ...DEFAULT_TRANSPORT_OPTIONS, ...options.transport };
}

export function probeSettings(options: TransportSource): ProbeSettings {
  const transport = transportOptions(options);
  return {
    port: transport.smtpPort,
    ehloName: options.ehloName,
    connectTimeoutMs: options.timeoutMs,
    // a banner timeout set on purpose wins; the default is patient, and never shorter than the general timeout
    bannerTimeoutMs: options.transport?.bannerTimeoutMs ?? Math.max(transport.bannerTimeoutMs, options.timeoutMs),
    commandTimeoutMs: options.timeoutMs,
    legacyTls: transport.legacyTls,
    totalTimeoutMs: transport.probeDeadlineMs,
  };
}
