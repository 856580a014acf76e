import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { BuiltZone } from './build.ts';
import type { LabProcess } from './daemon.ts';
import { labJsonFile } from './paths.ts';
import type { LabPostgres } from './postgres.ts';

export interface ServerAddress {
  address: string;
  port: number;
}

/** Everything a test may want to know about the running lab; written to run/lab.json. */
export interface LabState {
  startedAt: string;
  resolver: ServerAddress;
  /** The lab root's KSK as a DS record in zone-file form (what `--trust-anchor` takes). */
  trustAnchorFile: string;
  /** The same anchor as a DNSKEY record in zone-file form. */
  trustAnchorDnskeyFile: string;
  /** The same anchor in BIND `trust-anchors { … };` form, for `delv -a`. */
  delvAnchorFile: string;
  unboundConfigFile: string;
  authoritative: { name: string; address: string; port: number; zones: string[] }[];
  zones: BuiltZone[];
  serial: number;
  processes: LabProcess[];
  timings: Record<string, number>;
  /** Started by `lab.ts start` or MAILWARDEN_LAB=reuse: test runs never stop it. */
  persistent?: boolean;
  codeDigest?: string;
  sourcesDigest?: string;
  caFile?: string;
  smtp?: SmtpListener[];
  https?: HttpsHost[];
  /** IPv6 test hosts in the lab's own network namespace (lib/ipv6-hosts.ts). */
  ipv6?: { namespace: string; local: string; nameservers: readonly string[]; smtp: string; refused: string };
  /** The shared PostgreSQL, once a test asked for it (test/lab/postgres.ts labPostgres()). */
  postgres?: LabPostgres;
}

export interface SmtpListener {
  personality: string;
  address: string;
  port: number;
  /** The certificate name under run/certs (`<name>.crt`, `<name>.key`), when it offers STARTTLS. */
  cert?: string;
  description: string;
}

export interface HttpsHost {
  hostname: string;
  address: string;
  port: number;
  description: string;
}

export function readLabState(): LabState | undefined {
  if (!existsSync(labJsonFile)) return undefined;
  return JSON.parse(readFileSync(labJsonFile, 'utf8')) as LabState;
}

export function writeLabState(state: LabState): void {
  const tmp = `${labJsonFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, labJsonFile);
}
