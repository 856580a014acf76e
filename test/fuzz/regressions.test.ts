/** Every crash the fuzzer found, kept as it was found, with what the code must do instead. */
import { describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/render.ts';
import { ruaProblem, tlsRptMonitor } from '../../src/monitors/tls-rpt/index.ts';
import { monitorContext } from '../spf/context.ts';
import { FakeDns } from '../support/fake-dns.ts';

describe('fuzzer crash regressions', () => {
  // tls-rpt: decodeURIComponent threw URIError on a bad %-escape; the monitor became a tlsrpt.monitor error
  it.each([
    'v=TLSRPTv1; rua=mailto:tls@exampl%e.c',
    'v=TLSRPTv1; rua=mailto:%ls@example.com,h,mxample.com,h,mple',
    'v=TLSRPTv1; rua=mailTo:tls@example%com,h,ttpcomcom,h,ttpcom,h,,h,ttps:\u000f/reports.exa\u00b4mpleom/',
  ])('tls-rpt record %j is judged, not crashed on', async (record) => {
    const dns = new FakeDns().add('_smtp._tls.example.com', 'TXT', record);
    const [finding] = await tlsRptMonitor.run(monitorContext(dns), 'example.com');
    expect(finding).toMatchObject({ check: 'tlsrpt.record', status: 'fail' });
    expect(finding!.summary).toMatch(/bad %-escape/);
    expect(render(finding!, 'nl').summary).toMatch(/ongeldige %-codering/);
  });

  it('a mailto: rua with a bad %-escape is a problem, not an exception', () => {
    expect(ruaProblem('mailto:%')).toEqual({ reason: 'bad-escape', params: { uri: 'mailto:%' } });
    expect(ruaProblem('mailto:tls%40example.com')).toBeUndefined();
  });
});
