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
 * The receiver refused the message for good (an HTTP 4xx other than 408/429, a revoked webhook, an SMTP 5xx):
 * retrying cannot help, so the outbox dead-letters it with the receiver's reason instead of retrying forever.
 */
export class PermanentDeliveryError extends Error {
  readonly permanent = true;

  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export function isPermanentDeliveryError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true;
}
