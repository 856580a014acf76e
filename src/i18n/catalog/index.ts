/** Every catalog section, merged: keys are check ids, areas (`spf`) or `*` for reasons any check may use. */
import { mxTexts } from './mx.ts';
import { sharedTexts } from './shared.ts';

export const CATALOG = {
  ...sharedTexts,
  ...mxTexts,
};
