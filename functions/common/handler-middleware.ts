import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj, Request } from '@middy/core';
import type { z } from 'zod';
import { InvalidEventError } from './handler-errors.ts';

/** Parse the event with zod before the handler runs; a bad event is an InvalidEventError. */
export function parseEvent<S extends z.ZodType>(handler: string, schema: S): MiddlewareObj<z.input<S>> {
  const parseEventBefore = async (request: Request<z.input<S>>): Promise<void> => {
    const parsed = schema.safeParse(request.event);
    if (!parsed.success) {
      throw new InvalidEventError(
        handler,
        parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      );
    }
    request.event = parsed.data as z.input<S>;
  };
  return { before: parseEventBefore };
}

/**
 * Log every failure once with its name, count it as a `StepFailed` metric, and rethrow it with
 * its name intact: the state machine's retriers match on that name (invalid input and failed data
 * tests are not retried, everything else is).
 */
export function mapErrors(options: { logger: Logger; metrics: Metrics }): MiddlewareObj {
  const mapErrorsOnError = async (request: Request): Promise<void> => {
    const error = request.error;
    if (!error) return;
    const name = error.name && error.name !== 'Error' ? error.name : error.constructor?.name || 'Error';
    options.logger.error('step failed', { errorName: name, error });
    options.metrics.addMetric('StepFailed', MetricUnit.Count, 1);
    if (error.name !== name) {
      const renamed = new Error(error.message, { cause: error });
      renamed.name = name;
      request.error = renamed;
    }
  };
  return { onError: mapErrorsOnError };
}
