import type { Duplex } from 'node:stream';

/** One SMTP reply: the code and the text of each line (raw server text, bounded). */
export interface SmtpReply {
  code: number;
  lines: string[];
}

export interface ReaderLimits {
  /** Longest line we accept (RFC 5321 allows 512 octets for a reply line; servers exceed it). */
  maxLineLength: number;
  /** Most lines in one reply. */
  maxReplyLines: number;
  /** Most bytes we read from one server over the whole conversation. */
  maxTotalBytes: number;
}

export const DEFAULT_READER_LIMITS: ReaderLimits = {
  maxLineLength: 2048,
  maxReplyLines: 100,
  maxTotalBytes: 256 * 1024,
};

export type ReadFailure = 'timeout' | 'closed' | 'protocol' | 'too-large' | 'network';

export class SmtpReadError extends Error {
  readonly failure: ReadFailure;
  constructor(failure: ReadFailure, message: string) {
    super(message);
    this.name = 'SmtpReadError';
    this.failure = failure;
  }
}

/**
 * Reads SMTP replies from a stream under hard limits: server text is hostile (endless lines, endless replies,
 * silence). Bytes are decoded as latin1 so nothing is lost or rejected by a decoder.
 */
export class ReplyReader {
  readonly #limits: ReaderLimits;
  #stream: Duplex | undefined;
  #pending = '';
  #lines: string[] = [];
  #totalBytes = 0;
  #failure: SmtpReadError | undefined;
  #wake: (() => void) | undefined;
  readonly #onData = (chunk: Buffer) => this.#receive(chunk);
  readonly #onEnd = () => this.#fail(new SmtpReadError('closed', 'connection closed by server'));
  readonly #onError = (error: Error) => this.#fail(new SmtpReadError('network', error.message));

  constructor(limits: ReaderLimits = DEFAULT_READER_LIMITS) {
    this.#limits = limits;
  }

  attach(stream: Duplex): void {
    this.detach();
    this.#stream = stream;
    stream.on('data', this.#onData);
    stream.on('end', this.#onEnd);
    stream.on('close', this.#onEnd);
    stream.on('error', this.#onError);
  }

  /** Stop reading (before a TLS upgrade). Returns whatever the server sent beyond the last complete reply. */
  detach(): string {
    const stream = this.#stream;
    if (stream) {
      stream.off('data', this.#onData);
      stream.off('end', this.#onEnd);
      stream.off('close', this.#onEnd);
      stream.off('error', this.#onError);
      stream.pause();
    }
    this.#stream = undefined;
    const leftover = this.#lines.join('\n') + this.#pending;
    this.#lines = [];
    this.#pending = '';
    return leftover;
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  #receive(chunk: Buffer): void {
    this.#totalBytes += chunk.length;
    if (this.#totalBytes > this.#limits.maxTotalBytes) {
      this.#fail(new SmtpReadError('too-large', `server sent more than ${this.#limits.maxTotalBytes} bytes`));
      return;
    }
    this.#pending += chunk.toString('latin1');
    let newline = this.#pending.indexOf('\n');
    while (newline >= 0) {
      this.#lines.push(this.#pending.slice(0, newline).replace(/\r$/, ''));
      this.#pending = this.#pending.slice(newline + 1);
      newline = this.#pending.indexOf('\n');
    }
    if (this.#pending.length > this.#limits.maxLineLength) {
      this.#fail(new SmtpReadError('too-large', `server line longer than ${this.#limits.maxLineLength} bytes`));
      return;
    }
    this.#wake?.();
  }

  #fail(error: SmtpReadError): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  /** Take one complete reply out of the received lines, or undefined when it is not complete yet. */
  #takeReply(): SmtpReply | undefined {
    const texts: string[] = [];
    let code: number | undefined;
    for (let index = 0; index < this.#lines.length; index++) {
      const line = this.#lines[index]!;
      if (line.length > this.#limits.maxLineLength) {
        throw new SmtpReadError('too-large', `server line longer than ${this.#limits.maxLineLength} bytes`);
      }
      const match = /^([2-5]\d\d)([ -]|$)(.*)$/s.exec(line);
      if (!match) throw new SmtpReadError('protocol', `not an SMTP reply line: ${JSON.stringify(line.slice(0, 80))}`);
      const lineCode = Number(match[1]);
      if (code !== undefined && lineCode !== code) {
        throw new SmtpReadError('protocol', `reply code changed from ${code} to ${lineCode} within one reply`);
      }
      code = lineCode;
      texts.push(match[3] ?? '');
      if (texts.length > this.#limits.maxReplyLines) {
        throw new SmtpReadError('too-large', `reply longer than ${this.#limits.maxReplyLines} lines`);
      }
      if (match[2] !== '-') {
        this.#lines.splice(0, index + 1);
        return { code: lineCode, lines: texts };
      }
    }
    return undefined;
  }

  /** Wait for the next complete reply; rejects with SmtpReadError on timeout, close, garbage or excess. */
  async readReply(timeoutMs: number): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reply = this.#takeReply();
      if (reply) return reply;
      if (this.#failure) throw this.#failure;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new SmtpReadError('timeout', `no complete reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }
}
