/** Reasons shared by every check: a monitor that crashed, a verdict the same on every address of a host. */
import { finding, part } from '../types.ts';
import { LIMIT_EN, LIMIT_NL, type LimitName } from './check.ts';

export const sharedTexts = {
  '*': {
    'monitor-crashed': finding<{ monitor: string; error: string }>({
      en: { summary: (p) => `The ${p.monitor} check could not run: ${p.error}` },
      nl: { summary: (p) => `De ${p.monitor}-controle kon niet worden uitgevoerd: ${p.error}` },
    }),
    'monitor-unfinished': finding<{ monitor: string; domain: string; limit: LimitName; deadlineMs: number }>({
      en: {
        summary: (p) =>
          `The ${p.monitor} check of ${p.domain} did not finish: the check stopped at ${LIMIT_EN[p.limit](p.deadlineMs)}`,
      },
      nl: {
        summary: (p) =>
          `De ${p.monitor}-controle van ${p.domain} is niet afgerond: de controle stopte bij ${LIMIT_NL[p.limit](p.deadlineMs)}`,
      },
    }),
    'same-on-all-addresses': part<{ count: number; host: string }>({
      en: { text: (p) => `(same on all ${p.count} addresses of ${p.host})` },
      nl: { text: (p) => `(gelijk op alle ${p.count} adressen van ${p.host})` },
    }),
  },
};
