/** How a stage child hands its figures to the parent: one JSON line on stdout, with its own CPU time and peak RSS. */
export interface StageOutput {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** RSS once modules are loaded and before the stage ran: the peak minus this is the stage's own growth. */
  baselineRssMb: number;
  [key: string]: unknown;
}

let baseline = 0;

/** Call when setup is done, right before the measured work. */
export function markBaseline(): void {
  baseline = process.memoryUsage().rss / 1024 / 1024;
}

export function report(seconds: number, figures: Record<string, unknown>): void {
  const usage = process.resourceUsage();
  const output: StageOutput = {
    seconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    peakRssMb: usage.maxRSS / 1024,
    baselineRssMb: baseline,
    ...figures,
  };
  console.log(JSON.stringify(output));
}

/** Runs the stage's main, reporting failures on stderr with a non-zero exit. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
