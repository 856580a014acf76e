// Preloaded into the checked process (node --import): its own CPU time (every thread) and peak RSS, on stderr at
// exit, so the bench needs no /usr/bin/time.
//
// The peak is the kernel's VmHWM of this process's own memory map: getrusage's maxRSS starts from the RSS of the
// parent at fork (the bench, holding the previous run's parsed JSON: a 2,000-domain child then showed 425 MB peak
// RSS while its own high-water mark was 262 MB).
import { readFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

function peakRssKb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux: getrusage's figure, which may include the parent's
  }
  return process.resourceUsage().maxRSS;
}

if (isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    process.stderr.write(`\nbench-usage ${usage.userCPUTime} ${usage.systemCPUTime} ${peakRssKb()}\n`);
  });
}
