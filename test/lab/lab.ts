// The lab of real servers: `node test/lab/lab.ts start|stop|status` (also `npm run lab:start` / `lab:stop`).
import { labHealth, startLab, stopLab } from './lib/lifecycle.ts';

const log = (line: string) => console.log(`[lab] ${line}`);

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'start': {
      const state = await startLab(log);
      log(`resolver ${state.resolver.address}:${state.resolver.port}, trust anchor ${state.trustAnchorFile}`);
      return 0;
    }
    case 'stop':
      await stopLab(log);
      return 0;
    case 'status': {
      const health = await labHealth();
      if (health.healthy) {
        for (const p of health.state?.processes ?? []) log(`${p.name}: pid ${p.pid}`);
        log(`healthy; resolver ${health.state?.resolver.address}, ${health.state?.zones.length} zones`);
        return 0;
      }
      for (const problem of health.problems) log(problem);
      return 1;
    }
    default:
      console.error('usage: node test/lab/lab.ts start|stop|status');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`[lab] ${error.message}`);
    process.exit(1);
  },
);
