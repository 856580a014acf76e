/** Every catalog section, merged: keys are check ids, areas (`spf`) or `*` for reasons any check may use. */
import { checkTexts } from './check.ts';
import { daneTexts } from './dane.ts';
import { dkimTexts } from './dkim.ts';
import { dmarcTexts } from './dmarc.ts';
import { dnssecTexts } from './dnssec.ts';
import { ipv6Texts } from './ipv6.ts';
import { mtaStsTexts } from './mta-sts.ts';
import { mxTexts } from './mx.ts';
import { rpkiTexts } from './rpki.ts';
import { sharedTexts } from './shared.ts';
import { spfTexts } from './spf.ts';
import { starttlsTexts } from './starttls.ts';
import { tlsRptTexts } from './tls-rpt.ts';

export const CATALOG = {
  ...sharedTexts,
  ...checkTexts,
  ...mxTexts,
  ...spfTexts,
  ...dmarcTexts,
  ...dkimTexts,
  ...dnssecTexts,
  ...starttlsTexts,
  ...daneTexts,
  ...mtaStsTexts,
  ...tlsRptTexts,
  ...ipv6Texts,
  ...rpkiTexts,
};
