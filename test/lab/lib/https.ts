import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { httpsSubnet } from './addresses.ts';
import { type CertSpec, caCertFile, makeCerts } from './certs.ts';
import { type LabProcess, logTail, signalDaemon, startDaemon } from './daemon.ts';
import { exec, sleep } from './exec.ts';
import { certsDir, serverDir, wwwSourceDir } from './paths.ts';
import type { HttpsHost } from './state.ts';

export const httpsAddress = `${httpsSubnet}.1`;
const httpsPort = 443;
const nginxDir = serverDir('nginx');

interface Vhost extends HttpsHost {
  root: string;
  redirect?: string;
}

/** One vhost per directory test/lab/www/<hostname>/; a `.lab-redirect` file in it turns it into a 301 to its URL. */
export function vhosts(): Vhost[] {
  if (!existsSync(wwwSourceDir)) return [];
  return readdirSync(wwwSourceDir)
    .filter((name) => statSync(join(wwwSourceDir, name)).isDirectory())
    .sort()
    .map((hostname) => {
      const root = join(wwwSourceDir, hostname);
      const redirectFile = join(root, '.lab-redirect');
      const redirect = existsSync(redirectFile) ? readFileSync(redirectFile, 'utf8').trim() : undefined;
      return {
        hostname,
        address: httpsAddress,
        port: httpsPort,
        root,
        redirect,
        description: redirect ? `301 to ${redirect}` : `files of test/lab/www/${hostname}/`,
      };
    });
}

export function httpsCertSpecs(): CertSpec[] {
  return [
    ...vhosts().map((v): CertSpec => ({ name: `https-${v.hostname}`, names: [v.hostname], key: 'ec256' })),
    { name: 'https-default', names: ['default.https.lab.invalid'], key: 'ec256' },
  ];
}

function nginxConf(hosts: Vhost[]): string {
  const chain = (name: string) => {
    const file = join(nginxDir, `${name}.chain.pem`);
    writeFileSync(file, `${readFileSync(join(certsDir, `${name}.crt`), 'utf8')}${readFileSync(caCertFile, 'utf8')}`);
    return `    ssl_certificate ${file};\n    ssl_certificate_key ${join(certsDir, `${name}.key`)};`;
  };
  const servers = hosts.map(
    (v) => `  server {
    listen ${v.address}:${v.port} ssl;
    server_name ${v.hostname};
${chain(`https-${v.hostname}`)}
    ${v.redirect ? `return 301 ${v.redirect};` : `root ${v.root};\n    location / { try_files $uri =404; }`}
  }`,
  );
  return `worker_processes 1;
pid ${join(nginxDir, 'nginx.pid')};
error_log ${join(nginxDir, 'error.log')} info;
user www-data;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  types { text/plain txt; }
  access_log ${join(nginxDir, 'access.log')};
  client_body_temp_path ${join(nginxDir, 'tmp-body')};
  proxy_temp_path ${join(nginxDir, 'tmp-proxy')};
  fastcgi_temp_path ${join(nginxDir, 'tmp-fastcgi')};
  uwsgi_temp_path ${join(nginxDir, 'tmp-uwsgi')};
  scgi_temp_path ${join(nginxDir, 'tmp-scgi')};
  server {
    listen ${httpsAddress}:${httpsPort} ssl default_server;
${chain('https-default')}
    return 404;
  }
${servers.join('\n')}
}
`;
}

/** nginx in the foreground (`daemon off`), its own prefix and config under run/nginx. */
export async function startNginx(): Promise<{ proc: LabProcess; hosts: HttpsHost[] }> {
  mkdirSync(nginxDir, { recursive: true });
  const hosts = vhosts();
  const configFile = join(nginxDir, 'nginx.conf');
  writeFileSync(configFile, nginxConf(hosts));
  await exec('/usr/sbin/nginx', ['-t', '-q', '-p', nginxDir, '-c', configFile]);
  const proc = startDaemon(
    'nginx',
    '/usr/sbin/nginx',
    ['-p', nginxDir, '-c', configFile, '-g', 'daemon off;'],
    join(nginxDir, 'stdout.log'),
    join(nginxDir, 'lab.pid'),
  );
  const deadline = Date.now() + 10_000;
  while (!(await handshakes())) {
    if (Date.now() > deadline)
      throw new Error(`nginx on ${httpsAddress}:443 does not answer. Log:\n${logTail(join(nginxDir, 'error.log'))}`);
    await sleep(50);
  }
  return {
    proc,
    hosts: hosts.map(({ hostname, address, port, description }) => ({ hostname, address, port, description })),
  };
}

function handshakes(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({
      host: httpsAddress,
      port: httpsPort,
      rejectUnauthorized: false,
      servername: 'probe.invalid',
    });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Picks up vhost directories added or changed since start: certificates for new names, a new config, and nginx's
 * own graceful reload (SIGHUP to the master, by pid). Returns the vhost list for lab.json.
 */
export async function reloadNginx(proc: LabProcess): Promise<HttpsHost[]> {
  const hosts = vhosts();
  const missing = httpsCertSpecs().filter((spec) => !existsSync(join(certsDir, `${spec.name}.crt`)));
  if (missing.length > 0) await makeCerts(missing);
  const configFile = join(nginxDir, 'nginx.conf');
  const before = readFileSync(configFile, 'utf8');
  const after = nginxConf(hosts);
  if (after !== before) {
    writeFileSync(configFile, after);
    await exec('/usr/sbin/nginx', ['-t', '-q', '-p', nginxDir, '-c', configFile]);
    signalDaemon(proc, 'SIGHUP');
    await sleep(300); // nginx starts new workers and lets the old ones finish: no readiness signal to wait for
  }
  return hosts.map(({ hostname, address, port, description }) => ({ hostname, address, port, description }));
}
