import { mxMonitor } from './mx.ts';
import type { Monitor } from './types.ts';

/** Every monitor, in report order. One line per standard. */
export const MONITORS: Monitor[] = [mxMonitor];
