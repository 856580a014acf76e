/** Reasons shared by every check: a monitor that crashed, a verdict the same on every address of a host. */
import { finding, part } from '../types.ts';

export const sharedTexts = {
  '*': {
    'monitor-crashed': finding<{ monitor: string; error: string }>({
      en: { summary: (p) => `The ${p.monitor} check could not run: ${p.error}` },
      nl: { summary: (p) => `De ${p.monitor}-controle kon niet worden uitgevoerd: ${p.error}` },
    }),
    'same-on-all-addresses': part<{ count: number; host: string }>({
      en: { text: (p) => `(same on all ${p.count} addresses of ${p.host})` },
      nl: { text: (p) => `(gelijk op alle ${p.count} adressen van ${p.host})` },
    }),
  },
};
