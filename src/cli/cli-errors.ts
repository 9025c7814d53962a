/**
 * The `warehouse` command's exit codes (README, "Exit codes"). Scripts and schedulers branch on
 * them, so each names a kind of outcome, not an error class.
 */
export const ExitCode = {
  ok: 0,
  /** Anything unexpected: a bug or an environment fault. `--verbose` prints the stack. */
  unexpected: 1,
  /** The command line, the configuration or an argument is wrong; nothing was read or written. */
  usage: 2,
  /** The data failed its checks (data tests, the audit chain): nothing was published. */
  dataCheckFailed: 3,
  /** The role may not do what was asked; the refusal is audited. */
  accessDenied: 4,
  /** A source did not answer completely (credentials, outage, protocol): the run is incomplete. */
  sourceFailed: 5,
  /** Another warehouse command holds the state directory's lock. */
  locked: 6,
  /** Stopped by Ctrl-C / SIGINT (128 + 2, as shells report it). */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A wrong argument a command found itself (the message names the option). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/*
 * Matched by name, not `instanceof`: every error class of the project sets its `name`, and the CLI
 * must not load the pipeline, the engines and the simulator just to classify an error.
 */
const usageErrors = new Set([
  'ConfigError',
  'UsageError',
  'ExportRequestError',
  'SimulatorOptionsError',
  'UnknownSelectorError',
  'UnknownRelationError',
  'UnknownTimeZoneError',
  'UnknownSourceError',
  'NoPublicationError',
  'NothingToPublishError',
  'PublicationExistsError',
  'HmacKeyError',
]);
const dataErrors = new Set([
  'PublicationRefusedError',
  'DataTestsFailedError',
  'AuditLogCorruptError',
  'CheckpointError',
]);
const sourceErrors = new Set([
  'IncompleteRunError',
  'SourceRequestError',
  'RetriesExhaustedError',
  'SourceProtocolError',
]);

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (!(error instanceof Error)) return ExitCode.unexpected;
  // commander's own errors (unknown option, missing argument; help and version exit 0).
  if (error.name === 'CommanderError' || error.name === 'InvalidArgumentError')
    return (error as Error & { exitCode?: number }).exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (error.name === 'RunLockedError') return ExitCode.locked;
  if (error.name === 'AccessDeniedError') return ExitCode.accessDenied;
  if (usageErrors.has(error.name)) return ExitCode.usage;
  if (dataErrors.has(error.name)) return ExitCode.dataCheckFailed;
  if (sourceErrors.has(error.name)) return ExitCode.sourceFailed;
  if (error.message === 'interrupted') return ExitCode.interrupted;
  return ExitCode.unexpected;
}

/**
 * What the person at the terminal reads: one line (the error's own message says what was wrong and
 * what to do), the stack only when asked for with `--verbose` or for an unexpected error's hint.
 */
export function formatCliError(error: unknown, verbose: boolean): string {
  const e = error instanceof Error ? error : new Error(String(error));
  if (verbose) return `warehouse: ${e.stack ?? e.message}`;
  const line = e.message.replace(/\s*\n\s*/g, ' ').trim();
  const code = exitCodeFor(e);
  const suffix =
    e.name === 'AccessDeniedError'
      ? ' The refusal was written to the audit log.'
      : code === ExitCode.unexpected
        ? ` (${e.name}; run with --verbose for the stack)`
        : '';
  return `warehouse: ${line}${suffix}`;
}
