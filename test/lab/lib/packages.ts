import { existsSync, writeFileSync } from 'node:fs';
import { exec } from './exec.ts';

/** Debian packages the lab runs, and one program from each to prove it is there. */
export const requiredPackages: { name: string; program: string }[] = [
  { name: 'nsd', program: '/usr/sbin/nsd' },
  { name: 'unbound', program: '/usr/sbin/unbound' },
  { name: 'ldnsutils', program: '/usr/bin/ldns-read-zone' },
  { name: 'bind9-utils', program: '/usr/bin/dnssec-signzone' },
  { name: 'bind9-dnsutils', program: '/usr/bin/delv' },
  { name: 'openssl', program: '/usr/bin/openssl' },
  { name: 'postfix', program: '/usr/sbin/postfix' },
  { name: 'nginx', program: '/usr/sbin/nginx' },
  { name: 'python3-spf', program: '/usr/lib/python3/dist-packages/spf.py' },
  { name: 'python3-dnspython', program: '/usr/lib/python3/dist-packages/dns/resolver.py' },
  { name: 'opendkim-tools', program: '/usr/sbin/opendkim-genkey' },
  { name: 'iproute2', program: '/usr/sbin/ip' },
  // systemd-analyze rates deploy/mailwarden.service (test/deploy/); installing it starts nothing here
  { name: 'systemd', program: '/usr/bin/systemd-analyze' },
  // The dashboard's browser tests and PDF reports (headless printing), and the alert e-mail screenshots.
  { name: 'chromium', program: '/usr/bin/chromium' },
  // The state store's PostgreSQL (started on demand, see postgres.ts); postgresql-common comes only with a server.
  { name: 'postgresql', program: '/usr/bin/pg_ctlcluster' },
  // The alert tests' Alertmanager (started by the test on loopback, see alertmanager.ts).
  { name: 'prometheus-alertmanager', program: '/usr/bin/prometheus-alertmanager' },
];

const policyRcD = '/usr/sbin/policy-rc.d';

export function missingPackages(): string[] {
  return requiredPackages.filter((p) => !existsSync(p.program)).map((p) => p.name);
}

/** What the lab must say or do about missing packages: nothing, install them (root), or tell the user exactly how. */
export function packagePlan(missing: string[], isRoot: boolean): { action: 'none' | 'install' | 'fail'; text: string } {
  if (missing.length === 0) return { action: 'none', text: '' };
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (isRoot) return { action: 'install', text: command };
  return {
    action: 'fail',
    text:
      `the lab needs Debian packages that are missing: ${missing.join(', ')}.\n` +
      'Install them as root (without starting their system services):\n' +
      `  printf '#!/bin/sh\\nexit 101\\n' > ${policyRcD} && chmod +x ${policyRcD}\n` +
      `  apt-get update && DEBIAN_FRONTEND=noninteractive ${command}`,
  };
}

/**
 * Installs what is missing when we are root; otherwise fails with the exact commands. Debian starts services on
 * install; a policy-rc.d that returns 101 stops that, so no system-wide nsd/unbound/postfix/nginx ever runs.
 */
export async function ensurePackages(log: (line: string) => void): Promise<void> {
  const missing = missingPackages();
  const plan = packagePlan(missing, process.getuid?.() === 0);
  if (plan.action === 'none') return;
  if (plan.action === 'fail') throw new Error(plan.text);
  log(`installing missing packages: ${missing.join(' ')}`);
  if (!existsSync(policyRcD))
    writeFileSync(
      policyRcD,
      '#!/bin/sh\n# written by mailwarden test/lab: never start services on install\nexit 101\n',
      {
        mode: 0o755,
      },
    );
  await exec('sh', ['-c', "echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections"]);
  const options = '-q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
  await exec('sh', ['-c', `apt-get update -q && DEBIAN_FRONTEND=noninteractive ${plan.text} ${options}`]);
  const still = missingPackages();
  if (still.length > 0) throw new Error(`apt-get ran but these packages are still missing: ${still.join(', ')}`);
}
