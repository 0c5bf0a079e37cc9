/**
 * A job run at start and every `intervalMs` (an unref'd timer), and on demand with `run()`. Runs do
 * not overlap: a call while one is in progress shares it. `work` handles its own errors.
 */
export function createPeriodicJob<T>(work: () => Promise<T>, intervalMs: number) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T> | undefined;

  function run(): Promise<T> {
    running ??= work().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    run,
    start: (): void => {
      if (timer !== undefined) return;
      void run();
      timer = setInterval(() => void run(), intervalMs);
      timer.unref();
    },
    /** Stops the timer and waits for a run in progress. */
    stop: async (): Promise<void> => {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
