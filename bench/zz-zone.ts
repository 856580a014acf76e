import { replaceZone } from '../test/lab/control.ts';
import { benchDomain, benchZoneText, BENCH_ZONE } from './generate-zone.ts';
import { writeFileSync } from 'node:fs';
await replaceZone(BENCH_ZONE, benchZoneText(10000));
writeFileSync('/tmp/i14-domains-1000.txt', Array.from({ length: 1000 }, (_, i) => benchDomain(i + 1)).join('\n'));
writeFileSync('/tmp/i14-domains-2000.txt', Array.from({ length: 2000 }, (_, i) => benchDomain(i + 1)).join('\n'));
