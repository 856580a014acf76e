import { writeFileSync } from 'node:fs';
import { delvAnchorFile, trustAnchorDnskeyFile, trustAnchorDsFile } from './paths.ts';
import { formatRr, type Rr } from './records.ts';

/** The lab root's trust anchor in the three forms its users read: DS and DNSKEY zone-file lines, and delv's. */
export function writeTrustAnchors(rootKsk: Rr, rootDs: Rr): void {
  writeFileSync(trustAnchorDsFile, `${formatRr(rootDs)}\n`);
  writeFileSync(trustAnchorDnskeyFile, `${formatRr(rootKsk)}\n`);
  const [flags, protocol, algorithm, ...key] = rootKsk.rdata.split(/\s+/);
  writeFileSync(
    delvAnchorFile,
    `trust-anchors {\n  "." static-key ${flags} ${protocol} ${algorithm} "${key.join('')}";\n};\n`,
  );
}
