/** Loads the openspf RFC 7208 test suite and turns each scenario's zonedata into a FakeDns. */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { FakeDns } from '../support/fake-dns.ts';
import { outsideData } from '../support/outside-data.ts';

export interface SuiteCase {
  scenario: string;
  name: string;
  helo: string;
  host: string;
  mailfrom: string;
  results: string[];
  explanation?: string;
}

export interface Scenario {
  description: string;
  cases: SuiteCase[];
  dns: () => FakeDns;
}

/** The openspf RFC 7208 suite (rfc7208-tests.yml), kept outside the repository. */
export const SUITE = outsideData('spf/rfc7208-tests.yml', 'the openspf RFC 7208 test suite (spf/rfc7208-tests.yml)');

type ZoneEntry = string | Record<string, unknown>;

export function loadSuite(file = SUITE.path): Scenario[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  return documents.map((document) => {
    const doc = document.toJS() as {
      description: string;
      tests: Record<string, Record<string, unknown>>;
      zonedata: Record<string, ZoneEntry[]>;
    };
    const cases = Object.entries(doc.tests).map(([name, t]) => {
      const result = t.result as string | string[];
      const suiteCase: SuiteCase = {
        scenario: doc.description,
        name,
        helo: String(t.helo ?? ''),
        host: String(t.host),
        mailfrom: String(t.mailfrom ?? ''),
        results: Array.isArray(result) ? result : [result],
      };
      if (t.explanation !== undefined) suiteCase.explanation = String(t.explanation);
      return suiteCase;
    });
    return { description: doc.description, cases, dns: () => zoneToDns(doc.zonedata ?? {}) };
  });
}

function zoneToDns(zonedata: Record<string, ZoneEntry[]>): FakeDns {
  const dns = new FakeDns();
  for (const [name, entries] of Object.entries(zonedata)) {
    const key = name.toLowerCase();
    // TIMEOUT: queries for types without data time out; 'NONE' marks a type as having no data.
    if (entries.some((e) => e === 'TIMEOUT')) dns.timeoutWithoutData(key);
    const hasTxt = entries.some((e) => typeof e === 'object' && 'TXT' in e);
    dns.declare(key);
    for (const entry of entries) {
      if (typeof entry !== 'object') continue;
      for (const [rawType, value] of Object.entries(entry)) {
        if (value === 'NONE') continue;
        // RFC 7208 dropped type SPF: the suite's drivers serve SPF data as TXT when a name has no TXT.
        const type = rawType === 'SPF' ? (hasTxt ? undefined : 'TXT') : rawType;
        if (type === undefined) continue;
        if (type === 'TXT') {
          const strings = Array.isArray(value) ? value : [value];
          dns.add(
            key,
            'TXT',
            strings.map((s) => Buffer.from(String(s), 'latin1')),
          );
        } else if (type === 'MX') {
          const [preference, exchange] = value as [number, string];
          dns.add(key, 'MX', { preference, exchange });
        } else {
          dns.add(key, type, String(value));
        }
      }
    }
  }
  return dns;
}

/** The domain check_host starts at: the MAIL FROM domain, or HELO when MAIL FROM is empty. */
export function startDomain(suiteCase: SuiteCase): string {
  if (!suiteCase.mailfrom) return suiteCase.helo;
  return suiteCase.mailfrom.slice(suiteCase.mailfrom.lastIndexOf('@') + 1);
}
