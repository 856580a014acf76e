/** What one SMTP/STARTTLS probe of one (MX name, address) saw. JSON-safe: it goes into evidence. */

/**
 * `ok`: STARTTLS and the TLS handshake worked. `no-starttls`: EHLO worked but STARTTLS was not offered.
 * `starttls-rejected`: offered, but the STARTTLS command was refused. `tls-failed`: the handshake failed.
 * The rest mean "could not determine" (an `error` status): `refused`, `timeout`, `rate-limited` (421 or 4xx),
 * `rejected` (5xx greeting or EHLO), `protocol-error` (garbage, oversize), `network-error`.
 */
export type ProbeOutcome =
  | 'ok'
  | 'no-starttls'
  | 'starttls-rejected'
  | 'tls-failed'
  | 'refused'
  | 'timeout'
  | 'rate-limited'
  | 'rejected'
  | 'protocol-error'
  | 'network-error';

export const TRANSIENT_OUTCOMES: readonly ProbeOutcome[] = [
  'refused',
  'timeout',
  'rate-limited',
  'network-error',
  'protocol-error',
];

export interface KeyExchangeInfo {
  /** 'ECDH' or 'DH'. */
  type?: string;
  /** Curve or group, e.g. 'X25519', 'prime256v1', 'X25519MLKEM768'. */
  name?: string;
  size?: number;
}

export interface TlsSessionFacts {
  /** 'TLSv1.3', 'TLSv1.2', … */
  version: string;
  /** OpenSSL cipher name. */
  cipher: string;
  /** IANA cipher suite name. */
  cipherStandardName: string;
  keyExchange?: KeyExchangeInfo;
  /** DER of every presented certificate, leaf first, base64 (as ordered by issuer). */
  chain: string[];
}

export type LegacyTlsVerdict =
  | { result: 'accepted'; version: string; cipher: string }
  | { result: 'refused'; detail: string }
  | { result: 'untestable'; detail: string }
  | { result: 'error'; detail: string };

export interface SmtpProbeResult {
  mx: string;
  address: string;
  port: number;
  outcome: ProbeOutcome;
  /** Human detail for anything but `ok`. */
  detail?: string;
  /** In which step the probe stopped: connect, banner, ehlo, starttls, handshake, ehlo-tls, done. */
  stage: string;
  /** Raw server text, bounded. */
  banner: string[];
  ehlo: string[];
  starttlsOffered: boolean;
  tls?: TlsSessionFacts;
  /** EHLO reply over TLS. */
  ehloTls?: string[];
  legacy?: LegacyTlsVerdict;
  attempts: number;
  durationMs: number;
  /** The probe was stopped at its total deadline (a server answering too slowly): not retried. */
  deadlinePassed?: boolean;
  /** That total deadline (ms), when it passed. */
  deadlineMs?: number;
  /** ISO 8601 start of the last attempt. */
  probedAt: string;
}

export interface ProbeSettings {
  port: number;
  ehloName: string;
  connectTimeoutMs: number;
  /** Patient: some MTAs delay the greeting on purpose (greet pause / tarpitting). */
  bannerTimeoutMs: number;
  commandTimeoutMs: number;
  /** Whether to run the separate TLS 1.0/1.1 acceptance handshake. */
  legacyTls: boolean;
  /** Total time of one probe (every step, the legacy handshake included); unbounded when absent. */
  totalTimeoutMs?: number;
}
