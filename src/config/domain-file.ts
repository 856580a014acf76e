import { isIP } from 'node:net';
import { parseDomainName } from './domain-name.ts';

export interface DomainLine {
  name: string;
  dkimSelectors?: string[];
  spfSenderIps?: string[];
  tags: string[];
  line: number;
}

export interface DomainFileProblem {
  line: number;
  message: string;
}

const FIELDS = 'selectors=s1,s2  ips=192.0.2.1,2001:db8::1  tags=a,b';

/**
 * A hoster's domain list: one domain per line, optional `key=v1,v2` fields, `#` comments, blank lines ignored.
 *   example.nl selectors=s1,s2 ips=192.0.2.10 tags=customer-42,gold
 */
export function parseDomainFile(text: string): { domains: DomainLine[]; problems: DomainFileProblem[] } {
  const domains: DomainLine[] = [];
  const problems: DomainFileProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const content = lines[index]!.replace(/#.*$/, '').trim();
    if (content === '') continue;
    const [name, ...fields] = content.split(/\s+/);
    const parsed = parseDomainName(name!);
    if (!parsed.ok) {
      problems.push({ line, message: parsed.problem });
      continue;
    }
    const entry: DomainLine = { name: parsed.name, tags: [], line };
    for (const field of fields) {
      const match = /^([a-z]+)=(.*)$/.exec(field);
      const values = match?.[2]?.split(',').filter((v) => v !== '') ?? [];
      switch (match?.[1]) {
        case 'selectors':
          entry.dkimSelectors = values;
          break;
        case 'ips': {
          const bad = values.find((ip) => isIP(ip) === 0);
          if (bad !== undefined) problems.push({ line, message: `"${bad}" is not an IP address` });
          entry.spfSenderIps = values;
          break;
        }
        case 'tags':
          entry.tags = values;
          break;
        default:
          problems.push({ line, message: `unknown field "${field}" (expected ${FIELDS})` });
      }
    }
    domains.push(entry);
  }
  return { domains, problems };
}
