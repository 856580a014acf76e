/**
 * One query, answered: UDP through the shared pool, TCP when the answer is truncated, retries and failover across
 * servers, and every failure turned into a typed DnsError.
 *
 * Attempt order: each round tries every server that has not yet given a definitive failure (SERVFAIL, REFUSED,
 * malformed, network error), waiting `timeoutMs` for each; `retries` extra rounds follow the first. Every attempt
 * keeps its (server, ID) registered until the query ends, so a late answer to an earlier attempt is still accepted.
 */
import { randomInt } from 'node:crypto';
import { DnsError, type DnsErrorKind } from './errors.ts';
import { encodeQuery, MessageError, type ParsedMessage, parseMessage, parseQuestions, readHeader } from './message.ts';
import { NameError, sameName } from './names.ts';
import { formatServer } from './servers.ts';
import { TcpTimeoutError, tcpExchange } from './tcp.ts';
import type { DnsAnswer, DnsQuestion, DnsServer, QueryStats } from './types.ts';
import type { UdpChannel, UdpPool } from './udp-pool.ts';

export interface TransportOptions {
  /** Wait for one attempt, ms. */
  timeoutMs: number;
  /** Extra rounds over the servers after the first. */
  retries: number;
}

export interface ExchangeFlags {
  recursionDesired: boolean;
  dnssecOk: boolean;
  checkingDisabled: boolean;
}

type Delivery = { kind: 'message'; message: ParsedMessage; server: DnsServer } | { kind: 'error'; error: DnsError };

const RCODE_ERRORS: Record<string, DnsErrorKind> = {
  SERVFAIL: 'servfail',
  REFUSED: 'refused',
  FORMERR: 'formerr',
  NOTIMP: 'notimp',
};

export class Transport {
  readonly #pool: UdpPool;
  readonly #stats: QueryStats;
  readonly #options: TransportOptions;

  constructor(pool: UdpPool, stats: QueryStats, options: TransportOptions) {
    this.#pool = pool;
    this.#stats = stats;
    this.#options = options;
  }

  async exchange(servers: DnsServer[], question: DnsQuestion, flags: ExchangeFlags): Promise<DnsAnswer> {
    if (servers.length === 0) throw new DnsError('no-servers', question, 'no DNS servers configured');
    const inbox = new Inbox<Delivery>();
    const channels: UdpChannel[] = [];
    const failed = new Set<DnsServer>();
    let lastError: DnsError | undefined;
    try {
      for (let round = 0; round <= this.#options.retries; round++) {
        for (const server of servers) {
          if (failed.has(server)) continue;
          const outcome = await this.#attempt(server, question, flags, inbox, channels);
          if (outcome.kind === 'answer') return outcome.answer;
          if (outcome.kind === 'failed') {
            lastError = outcome.error;
            if (outcome.error.server !== undefined) {
              for (const candidate of servers) {
                if (formatServer(candidate) === outcome.error.server) failed.add(candidate);
              }
            }
          }
        }
        if (failed.size === servers.length) break;
      }
    } finally {
      for (const channel of channels) channel.close();
    }
    if (lastError) throw lastError;
    const tried = servers.map(formatServer).join(', ');
    throw new DnsError('timeout', question, `no answer from ${tried} after ${this.#options.retries + 1} round(s)`);
  }

  async #attempt(
    server: DnsServer,
    question: DnsQuestion,
    flags: ExchangeFlags,
    inbox: Inbox<Delivery>,
    channels: UdpChannel[],
  ): Promise<{ kind: 'answer'; answer: DnsAnswer } | { kind: 'failed'; error: DnsError } | { kind: 'timeout' }> {
    const serverText = formatServer(server);
    let channel: UdpChannel;
    let query: Uint8Array;
    try {
      channel = this.#pool.open(server, (raw) => {
        const delivery = screen(raw, question, server);
        if (delivery) inbox.push(delivery);
      });
      channels.push(channel);
      query = buildQuery(channel.id, question, flags);
      this.#stats.sent++;
      await channel.send(query);
    } catch (error) {
      if (error instanceof DnsError) throw error;
      return { kind: 'failed', error: networkError(question, serverText, error) };
    }
    const delivery = await inbox.next(this.#options.timeoutMs);
    if (!delivery) {
      this.#stats.timeouts++;
      return { kind: 'timeout' };
    }
    if (delivery.kind === 'error') return { kind: 'failed', error: delivery.error };
    if (!delivery.message.flags.tc) return toOutcome(delivery.message, question, formatServer(delivery.server), 'udp');
    this.#stats.tcpFallbacks++;
    const overTcp = await this.#overTcp(delivery.server, question, flags);
    if (overTcp.kind === 'error') return { kind: 'failed', error: overTcp.error };
    return toOutcome(overTcp.message, question, formatServer(overTcp.server), 'tcp');
  }

  async #overTcp(server: DnsServer, question: DnsQuestion, flags: ExchangeFlags): Promise<Delivery> {
    const serverText = formatServer(server);
    const id = randomInt(0, 0x10000);
    const query = buildQuery(id, question, flags);
    this.#stats.sent++;
    let raw: Uint8Array;
    try {
      raw = await tcpExchange(server, query, this.#options.timeoutMs);
    } catch (error) {
      if (error instanceof TcpTimeoutError) {
        this.#stats.timeouts++;
        return {
          kind: 'error',
          error: new DnsError('timeout', question, `TCP retry to ${serverText} timed out`, { server: serverText }),
        };
      }
      return { kind: 'error', error: networkError(question, serverText, error) };
    }
    const header = readHeader(raw);
    if (!header || header.id !== id) {
      return { kind: 'error', error: malformed(question, serverText, 'TCP answer with a different message ID') };
    }
    const delivery = screen(raw, question, server);
    if (!delivery) return { kind: 'error', error: malformed(question, serverText, 'TCP answer to another question') };
    if (delivery.kind === 'message' && delivery.message.flags.tc) {
      return { kind: 'error', error: malformed(question, serverText, 'TCP answer marked truncated') };
    }
    return delivery;
  }
}

function buildQuery(id: number, question: DnsQuestion, flags: ExchangeFlags): Uint8Array {
  try {
    return encodeQuery({ id, question, ...flags });
  } catch (error) {
    if (error instanceof NameError || error instanceof MessageError) {
      throw new DnsError('malformed', question, `cannot query ${JSON.stringify(question.name)}: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Decides whether a datagram from the right server with the right ID answers our question. Undefined means
 * "not for us, ignore it" (a spoofing attempt, or a stale answer to someone else).
 */
function screen(raw: Uint8Array, question: DnsQuestion, server: DnsServer): Delivery | undefined {
  const header = readHeader(raw);
  if (!header?.isResponse) return undefined;
  const serverText = formatServer(server);
  let message: ParsedMessage;
  try {
    message = parseMessage(raw);
  } catch (error) {
    const questions = parseQuestions(raw);
    if (questions.length !== 1 || !matches(questions[0]!, question)) return undefined;
    return { kind: 'error', error: malformed(question, serverText, (error as Error).message, error) };
  }
  if (message.opcode !== 0) return undefined;
  if (message.questions.length === 1) {
    return matches(message.questions[0]!, question) ? { kind: 'message', message, server } : undefined;
  }
  // Some servers drop the question from FORMERR/NOTIMP/REFUSED answers; accept those only as errors.
  if (message.questions.length === 0 && RCODE_ERRORS[message.rcodeName]) return { kind: 'message', message, server };
  return undefined;
}

function matches(received: DnsQuestion, sent: DnsQuestion): boolean {
  return received.type === sent.type && received.class === sent.class && sameName(received.name, sent.name);
}

function toOutcome(
  message: ParsedMessage,
  question: DnsQuestion,
  server: string,
  transport: 'udp' | 'tcp',
): { kind: 'answer'; answer: DnsAnswer } | { kind: 'failed'; error: DnsError } {
  const rcode = message.rcodeName;
  if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') {
    const kind = RCODE_ERRORS[rcode] ?? 'rcode';
    const ede = message.ede.map((entry) => `EDE ${entry.code}${entry.text ? ` (${entry.text})` : ''}`).join(', ');
    const detail = ede ? `; ${ede}` : '';
    const error = new DnsError(kind, question, `${server} answered ${rcode}${detail}`, { server, ede: message.ede });
    return { kind: 'failed', error };
  }
  return {
    kind: 'answer',
    answer: {
      question,
      rcode,
      flags: message.flags,
      answers: message.answers,
      authorities: message.authorities,
      additionals: message.additionals,
      ede: message.ede,
      dnssecOk: message.edns?.dnssecOk ?? false,
      server,
      transport,
      fromCache: false,
    },
  };
}

function malformed(question: DnsQuestion, server: string, reason: string, cause?: unknown): DnsError {
  return new DnsError('malformed', question, `malformed answer from ${server}: ${reason}`, { server, cause });
}

function networkError(question: DnsQuestion, server: string, error: unknown): DnsError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DnsError('network', question, `cannot reach ${server}: ${reason}`, { server, cause: error });
}

/** A queue with a timed wait: the attempts of one query read deliveries from every channel they opened. */
class Inbox<T> {
  readonly #queue: T[] = [];
  #waiter: ((value: T | undefined) => void) | undefined;

  push(value: T): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter(value);
    } else {
      this.#queue.push(value);
    }
  }

  next(timeoutMs: number): Promise<T | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (timeoutMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.#waiter = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
    });
  }
}
