/**
 * A check worker thread starts here: a thread does not share the main thread's compile cache (src/cli.ts), so it
 * enables its own before its modules are loaded, instead of stripping their types again.
 */
import { enableCompileCache } from 'node:module';

enableCompileCache();
await import('./check-worker.ts');
