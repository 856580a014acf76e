// The IPv6 test host's SMTP server: STARTTLS with a lab certificate (leaf + lab CA, as Postfix presents it).
// Started by the lab inside its IPv6 namespace: node ipv6-smtp.ts <address> <port> <key> <cert>
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFakeSmtp } from '../../smtp/fake-smtp-server.ts';

const [address, port, keyFile, certFile] = process.argv.slice(2) as [string, string, string, string];
const ca = readFileSync(join(dirname(certFile), 'ca.crt'), 'utf8');
const server = await startFakeSmtp(
  {
    banner: ['ipv6.smtp.lab.invalid ESMTP'],
    tls: { key: readFileSync(keyFile, 'utf8'), cert: `${readFileSync(certFile, 'utf8')}${ca}`, minVersion: 'TLSv1.2' },
  },
  { host: address, port: Number(port) },
);
console.log(`SMTP with STARTTLS on [${address}]:${server.port}`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
