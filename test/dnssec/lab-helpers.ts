import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadTrustAnchorFile } from '../../src/dns/dnssec/trust-anchors.ts';
import { DnssecValidator } from '../../src/dns/dnssec/validator.ts';
import { isDnsError } from '../../src/dns/errors.ts';
import { createResolver } from '../../src/dns/resolver.ts';
import { resignAll } from '../lab/control.ts';
import { labInfo } from '../lab/info.ts';

const run = promisify(execFile);

/** Our zones are files in test/lab/zones/dnssec; a lab started before they existed is rebuilt once to serve them. */
export async function ensureDnssecZones(): Promise<void> {
  const zones = labInfo().zones.map((zone) => zone.name);
  if (!zones.includes('unsigned.dnssec-n3parent.test') || !zones.includes('dnssec-alg8.test')) await resignAll();
}

export function labResolver() {
  const { resolver } = labInfo();
  return createResolver({ servers: [{ address: resolver.address, port: resolver.port }], timeoutMs: 3000 });
}

export async function labValidator() {
  const anchors = await loadTrustAnchorFile(labInfo().trustAnchorFile);
  return new DnssecValidator({ dns: labResolver(), anchors });
}

export type Opinion = 'secure' | 'insecure' | 'bogus';

/** Unbound's own verdict: SERVFAIL is bogus, AD is secure, an answer without AD is insecure. */
export async function unboundSays(name: string, type: string): Promise<Opinion> {
  try {
    const answer = await labResolver().query(name, type, { dnssec: true });
    return answer.flags.ad ? 'secure' : 'insecure';
  } catch (error) {
    if (isDnsError(error) && error.kind === 'servfail') return 'bogus';
    throw error;
  }
}

/** delv (BIND 9.18) with the lab's anchor: `delv @resolver -a anchorfile +root=. name type`. */
export async function delvSays(name: string, type: string): Promise<Opinion> {
  const lab = labInfo();
  const { stdout, stderr } = await run('delv', [
    `@${lab.resolver.address}`,
    '-p',
    String(lab.resolver.port),
    '-a',
    lab.delvAnchorFile,
    '+root=.',
    name,
    type,
  ]).catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: error.stdout ?? '',
    stderr: error.stderr ?? '',
  }));
  const text = `${stdout}\n${stderr}`;
  if (/; (negative response, )?fully validated/.test(text)) return 'secure';
  if (/; (negative response, )?unsigned answer/.test(text)) return 'insecure';
  if (/resolution failed|validation failed|broken trust chain|no valid/.test(text)) return 'bogus';
  throw new Error(`unrecognised delv output for ${name} ${type}:\n${text}`);
}
