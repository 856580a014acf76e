import { daneMonitor } from './dane/index.ts';
import { dkimMonitor } from './dkim/index.ts';
import { dmarcMonitor } from './dmarc/index.ts';
import { dnssecMonitor } from './dnssec/index.ts';
import { ipv6Monitor } from './ipv6/index.ts';
import { mtaStsMonitor } from './mta-sts/index.ts';
import { mxMonitor } from './mx/index.ts';
import { rpkiMonitor } from './rpki/index.ts';
import { spfMonitor } from './spf/index.ts';
import { starttlsMonitor } from './starttls/index.ts';
import { tlsRptMonitor } from './tls-rpt/index.ts';
import type { Monitor } from './types.ts';

/** Every monitor, in report order. One line per standard. */
export const MONITORS: Monitor[] = [
  mxMonitor,
  spfMonitor,
  dmarcMonitor,
  dkimMonitor,
  dnssecMonitor,
  starttlsMonitor,
  daneMonitor,
  mtaStsMonitor,
  tlsRptMonitor,
  ipv6Monitor,
  rpkiMonitor,
];
