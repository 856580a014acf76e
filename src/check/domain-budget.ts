/**
 * The DNS budget of one domain check: a DnsClient in front of the shared resolver that counts this domain's
 * queries and the bytes of its answers, and fails fast once a limit is spent or the deadline has passed. Failures
 * are DnsErrors, so every monitor turns them into its ordinary `error` findings; check-domain adds one
 * check.limits finding that names the limit.
 */
import { DnsError } from '../dns/errors.ts';
import type { DnsAnswer, DnsClient, DnsRecord } from '../dns/types.ts';
import type { CheckLimits } from '../monitors/limits.ts';

export type LimitName = 'deadline' | 'batch-deadline' | 'stopping' | 'dns-queries' | 'dns-bytes';

/** Why a check ends before its monitors do: its own deadline, the batch's, or mailwarden stopping. */
export type EndReason = 'deadline' | 'batch-deadline' | 'stopping';

export class DomainBudget {
  readonly client: DnsClient;
  /** Limits this check ran into, in the order it met them. */
  readonly hit = new Set<LimitName>();
  #queries = 0;
  #bytes = 0;
  #expired = false;
  #endReason: EndReason = 'deadline';
  readonly #limits: CheckLimits;
  readonly #domain: string;

  constructor(inner: DnsClient, limits: CheckLimits, domain: string) {
    this.#limits = limits;
    this.#domain = domain;
    this.client = {
      query: (name, type, options) => this.#ask(name, type, () => inner.query(name, type, options)),
      queryServer: (server, name, type, options) =>
        this.#ask(name, type, () => inner.queryServer(server, name, type, options)),
      stats: () => inner.stats(),
    };
  }

  get queries(): number {
    return this.#queries;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The check must end (deadline, batch deadline, stopping): every further query fails at once. */
  expire(reason: EndReason = 'deadline'): void {
    this.#expired = true;
    this.#endReason = reason;
    this.hit.add(reason);
  }

  async #ask(name: string, type: string, ask: () => Promise<DnsAnswer>): Promise<DnsAnswer> {
    const question = { name, type, class: 'IN' };
    if (this.#expired) {
      const why = {
        deadline: 'passed its deadline',
        'batch-deadline': "passed the batch's deadline",
        stopping: 'was stopped',
      };
      throw new DnsError('timeout', question, `not asked: the check of ${this.#domain} ${why[this.#endReason]}`);
    }
    if (this.#queries >= this.#limits.dnsQueriesPerDomain) {
      this.hit.add('dns-queries');
      throw new DnsError(
        'refused',
        question,
        `not asked: the check of ${this.#domain} used its ${this.#limits.dnsQueriesPerDomain} DNS queries`,
      );
    }
    this.#queries++;
    const answer = await ask();
    this.#bytes += answerBytes(answer);
    if (this.#bytes > this.#limits.dnsBytesPerDomain) {
      this.hit.add('dns-bytes');
      throw new DnsError(
        'refused',
        question,
        `dropped: the DNS answers of ${this.#domain} passed ${this.#limits.dnsBytesPerDomain} bytes`,
      );
    }
    return answer;
  }
}

function recordBytes(records: readonly DnsRecord[]): number {
  return records.reduce((sum, record) => sum + record.name.length + record.rdata.byteLength + 10, 0);
}

/** What an answer holds in memory, roughly: owner names and RDATA of every section. */
export function answerBytes(answer: DnsAnswer): number {
  return recordBytes(answer.answers) + recordBytes(answer.authorities) + recordBytes(answer.additionals);
}
