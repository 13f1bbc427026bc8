/** A progress bar on a TTY for runs longer than a second; silent otherwise. */
import cliProgress from 'cli-progress';
import type { ProgressReporter } from '@snrlab/core';

export function terminalProgress(enabled: boolean): ProgressReporter & { stop(): void } {
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(done, total, label) {
      if (!enabled) return;
      if (!bar) {
        if (Date.now() - started < 1000 || done >= total) return;
        bar = new cliProgress.SingleBar(
          { format: ' {bar} {percentage}% | {value}/{total} {label} | ETA {eta_formatted}', stream: process.stderr, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { label: label ?? '' });
      }
      bar.setTotal(total);
      bar.update(done, { label: label ?? '' });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
