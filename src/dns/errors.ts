import type { DnsQuestion, ExtendedDnsError } from './types.ts';

export type DnsErrorKind =
  | 'timeout'
  | 'servfail'
  | 'refused'
  | 'formerr'
  | 'notimp'
  | 'rcode'
  | 'malformed'
  | 'network'
  | 'no-servers';

/** A query that produced no usable answer. Never a verdict about the domain by itself: monitors map it to `error`. */
export class DnsError extends Error {
  readonly kind: DnsErrorKind;
  readonly question: DnsQuestion;
  readonly server: string | undefined;
  readonly ede: ExtendedDnsError[];

  constructor(
    kind: DnsErrorKind,
    question: DnsQuestion,
    message: string,
    options: { server?: string; ede?: ExtendedDnsError[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DnsError';
    this.kind = kind;
    this.question = question;
    this.server = options.server;
    this.ede = options.ede ?? [];
  }
}

export function isDnsError(value: unknown): value is DnsError {
  return value instanceof DnsError;
}
