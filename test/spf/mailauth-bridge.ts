/** mailauth's SPF resolver contract (node:dns style) bridged onto a DnsClient; used to compare it on the suite. */
import { isDnsError } from '../../src/dns/errors.ts';
import type { DnsClient } from '../../src/dns/types.ts';

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export function mailauthResolver(dns: DnsClient): (name: string, type: string) => Promise<unknown[]> {
  return async (name, type) => {
    let answer: Awaited<ReturnType<DnsClient['query']>>;
    try {
      answer = await dns.query(name, type);
    } catch (error) {
      if (isDnsError(error)) throw codedError(error.kind === 'timeout' ? 'ETIMEOUT' : 'ESERVFAIL', error.message);
      throw error;
    }
    const records = answer.answers.filter((r) => r.type === type);
    if (answer.rcode === 'NXDOMAIN') throw codedError('ENOTFOUND', `${name} NXDOMAIN`);
    if (records.length === 0) throw codedError('ENODATA', `${name} no ${type}`);
    return records.map((r) => {
      if (type === 'TXT') return (r.data as Uint8Array[]).map((chunk) => Buffer.from(chunk).toString('latin1'));
      if (type === 'MX') {
        const mx = r.data as { preference: number; exchange: string };
        return { priority: mx.preference, exchange: mx.exchange };
      }
      return String(r.data);
    });
  };
}
