/**
 * node bench/rpki-vrps.ts [--vrps N] [--lookups N]: how long a validator export of N VRPs takes to parse and index,
 * how fast addresses are validated against it, and the memory it holds (the real export is ~500,000 VRPs).
 */
import { parseArgs } from 'node:util';
import { validateRoute } from '../src/monitors/rpki/validate.ts';
import { parseVrpJson } from '../src/monitors/rpki/vrps.ts';

const { values } = parseArgs({
  strict: false,
  options: { vrps: { type: 'string', default: '500000' }, lookups: { type: 'string', default: '100000' } },
});
const vrpCount = Number(values.vrps ?? 500_000);
const lookups = Number(values.lookups ?? 100_000);

function v4(i: number): string {
  return `${(i >>> 16) & 0xff}.${(i >>> 8) & 0xff}.${i & 0xff}.0`;
}

const roas = Array.from({ length: vrpCount }, (_, i) =>
  i % 5 === 0
    ? { asn: 64500 + (i % 1000), prefix: `2001:db8:${(i % 65536).toString(16)}::/48`, maxLength: 48, ta: 'bench' }
    : { asn: `AS${64500 + (i % 1000)}`, prefix: `${v4(i + 65536)}/24`, maxLength: 24, ta: 'bench' },
);
const text = JSON.stringify({ metadata: { generated: 0 }, roas });
const before = process.memoryUsage().heapUsed;
const parseStart = performance.now();
const { table } = parseVrpJson(text);
const parseMs = performance.now() - parseStart;
const heapMb = (process.memoryUsage().heapUsed - before) / 1e6;

let valid = 0;
const lookupStart = performance.now();
for (let i = 0; i < lookups; i++) {
  const n = (i * 7919) % vrpCount;
  const route = { prefix: `${v4(n + 65536)}/24`, asn: 64500 + (n % 1000) };
  if (validateRoute(table, route).state === 'valid') valid++;
}
const lookupMs = performance.now() - lookupStart;
console.log(
  `${vrpCount} VRPs (${(text.length / 1e6).toFixed(1)} MB JSON): parsed and indexed in ${parseMs.toFixed(0)} ms, ` +
    `~${heapMb.toFixed(0)} MB heap; ${lookups} route validations in ${lookupMs.toFixed(0)} ms ` +
    `(${Math.round(lookups / (lookupMs / 1000))}/s, ${valid} valid)`,
);
