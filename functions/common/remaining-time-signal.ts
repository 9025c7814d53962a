import type { Context } from 'aws-lambda';

/**
 * An AbortSignal that fires `marginMs` before the invocation's time limit, so long work can stop at
 * a checkpoint and return instead of being killed mid-page. Call `dispose` when the work ends.
 */
export function remainingTimeSignal(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  marginMs = 90_000,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const budget = context.getRemainingTimeInMillis() - marginMs;
  const reason = new Error(`stopping ${marginMs} ms before the Lambda time limit to checkpoint`);
  reason.name = 'TimeBudgetExhausted';
  if (budget <= 0) {
    controller.abort(reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const timer = setTimeout(() => controller.abort(reason), budget);
  timer.unref?.();
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}
