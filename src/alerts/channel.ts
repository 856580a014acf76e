import type { Language } from '../i18n/types.ts';
import type { Notice } from '../state/types.ts';
import type { Digest } from './digest.ts';

export interface Delivery {
  /** Stable for the same message: receivers can drop a duplicate (webhook header, e-mail Message-ID). */
  idempotencyKey: string;
  route: string;
  digest: Digest;
  notices: readonly Notice[];
}

/** One alert medium. `send` resolves when the receiver accepted the message and throws when it did not. */
export interface Channel {
  readonly name: string;
  readonly type: string;
  /** Language of the findings' texts in its messages (the channel's `language`; a route's overrides it). */
  readonly language?: Language;
  send(delivery: Delivery): Promise<void>;
  /** Secret strings this channel holds, so error messages can be scrubbed before they are logged or stored. */
  secrets(): string[];
}

/** Removes any secret value from a text that may be logged or persisted (an error message quoting a URL). */
export function scrub(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join('[secret]');
  return clean;
}

/**
 * The receiver refused the message for good (a 4xx other than 408/429, Slack's `invalid_blocks`, a revoked webhook,
 * an SMTP 5xx): sending it again cannot help. The outbox dead-letters it with `reason`, the receiver's own words.
 */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;
  /** The receiver's own words (Slack's body text, the SMTP reply); also at the end of the message. */
  readonly reason: string;

  constructor(message: string, reason = '') {
    super(reason ? `${message}: ${reason}` : message);
    this.name = 'PermanentDeliveryError';
    this.reason = reason;
  }
}

export function isPermanentDeliveryError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}

/** 408 (request timeout) and 429 (rate limited) are the receiver asking us to try again; other 4xx are final. */
export function isPermanentHttpStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * The error for an HTTP answer that is not 2xx: permanent, with the receiver's reason (its body, bounded) for the
 * dead letter; or transient, with the status only (the retry will tell again).
 */
export function httpFailure(what: string, status: number, body: string): Error {
  const message = `${what} answered HTTP ${status}`;
  if (!isPermanentHttpStatus(status)) return new Error(message);
  return new PermanentDeliveryError(message, body.replace(/\s+/g, ' ').trim().slice(0, 300));
}
