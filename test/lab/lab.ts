// The lab of real servers: `node test/lab/lab.ts start|restart|stop|status` (also `npm run lab:start` / `lab:stop`).
import { labInfo } from './info.ts';
import { labHealth, stopLab } from './lib/lifecycle.ts';
import { withLifecycleLock } from './lib/lock.ts';
import { acquireLab } from './lib/sharing.ts';

const log = (line: string) => console.log(`[lab] ${line}`);

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'start': {
      await acquireLab(log, { persistent: true });
      const state = labInfo();
      log(`resolver ${state.resolver.address}:${state.resolver.port}, trust anchor ${state.trustAnchorFile}`);
      return 0;
    }
    case 'restart':
      await withLifecycleLock(() => stopLab(log));
      await acquireLab(log, { persistent: true });
      return 0;
    case 'stop':
      await withLifecycleLock(() => stopLab(log));
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
      console.error('usage: node test/lab/lab.ts start|restart|stop|status');
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
