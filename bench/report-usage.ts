// Preloaded into the checked process (node --import): its own CPU time (every thread) and peak RSS, on stderr at
// exit, so the bench needs no /usr/bin/time.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\nbench-usage ${usage.userCPUTime} ${usage.systemCPUTime} ${usage.maxRSS}\n`);
});
