/** The event does not match the handler's schema: a caller bug, never retried. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    readonly handler: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `Invalid event for ${handler}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}. ` +
        'Fix the state machine input or the test event; nothing was run.',
    );
  }
}

/** The function's environment is wrong: a deployment bug, never retried. */
export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
  constructor(
    readonly handler: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `Invalid environment of ${handler}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}. ` +
        'Redeploy the stack (cdk deploy) so the function gets the variables the infrastructure defines.',
    );
  }
}

/** Data tests failed: publication is blocked until the data or the test is fixed. */
export class DataTestsFailedError extends Error {
  override readonly name = 'DataTestsFailedError';
  constructor(readonly failures: readonly string[]) {
    super(
      `${failures.length} data test(s) failed (${failures.slice(0, 10).join(', ')}${failures.length > 10 ? ', …' : ''}). ` +
        'Publication is blocked; the previous publication stays current. Fix the data or the test and run again.',
    );
  }
}

/** A secret is missing its value or has the wrong shape. */
export class SecretValueError extends Error {
  override readonly name = 'SecretValueError';
  constructor(
    readonly secretId: string,
    problem: string,
  ) {
    super(
      `Secret ${secretId}: ${problem}. Set it with \`aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string '...'\` (see the README).`,
    );
  }
}

/**
 * A source's streams stopped at their checkpoint on errors (5xx, time-outs) the connector's own
 * retries could not get past. Thrown so the state machine retries the step and, when its retries
 * are spent, takes the failure path to the alert topic; the checkpoints keep what was extracted.
 */
export class SourceExtractionError extends Error {
  override readonly name = 'SourceExtractionError';
  constructor(
    readonly source: string,
    readonly streams: readonly { stream: string; error?: string }[],
  ) {
    super(
      `${source}: ${streams.length} stream(s) failed: ${streams.map((s) => `${s.stream}${s.error ? ` (${s.error})` : ''}`).join(', ')}`,
    );
  }
}
