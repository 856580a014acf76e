/** Measures the phases of a lab start so slow steps show up in the log and in lab.json. */
export class PhaseTimer {
  readonly phases: Record<string, number> = {};
  private readonly started = performance.now();

  async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      this.phases[phase] = Math.round(performance.now() - start);
    }
  }

  total(): number {
    return Math.round(performance.now() - this.started);
  }

  describe(): string {
    const parts = Object.entries(this.phases).map(([phase, ms]) => `${phase} ${ms} ms`);
    return `${parts.join(', ')}; total ${this.total()} ms`;
  }
}
