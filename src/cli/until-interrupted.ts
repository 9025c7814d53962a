/**
 * Resolves at the first SIGINT (Ctrl+C) or SIGTERM, and stops listening for both: what a serving
 * command awaits before it closes what it serves.
 */
export function untilInterrupted(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
