import { daneMonitor } from './dane.ts';
import { dkimMonitor } from './dkim/index.ts';
import { dmarcMonitor } from './dmarc/index.ts';
import { dnssecMonitor } from './dnssec.ts';
import { mtaStsMonitor } from './mta-sts.ts';
import { mxMonitor } from './mx.ts';
import { spfMonitor } from './spf/index.ts';
import { starttlsMonitor } from './starttls.ts';
import { tlsRptMonitor } from './tls-rpt.ts';
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
];
