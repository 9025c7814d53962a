import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor, formatCliError, UsageError } from '#src/cli/cli-errors.ts';
import { RetriesExhaustedError } from '#src/connectors/shared/api-client.ts';
import { AccessDeniedError } from '#src/governance/access/check-statement.ts';
import { ExportRequestError } from '#src/governance/export/export-compliance.ts';
import { IncompleteRunError } from '#src/pipeline/run-failure.ts';
import { RunLockedError } from '#src/pipeline/run-lock.ts';
import { PublicationRefusedError } from '#src/publish/publish.ts';
import { ConfigError } from '#src/shared/config-error.ts';

/*
 * Exit codes are matched by the errors' names (so the CLI need not load what throws them): each
 * real error class must land on its documented code, and the message must stay one line.
 */
describe('exit codes', () => {
  it.each([
    ['a usage error', new UsageError('--tail must be a positive whole number'), ExitCode.usage],
    [
      'an invalid configuration',
      new ConfigError('x.json', [{ path: 'lake', message: 'bad' }]),
      ExitCode.usage,
    ],
    ['a bad export request', new ExportRequestError('--customer must be an e-mail address'), ExitCode.usage],
    ['an unknown option', new CommanderError(1, 'commander.unknownOption', 'unknown option'), ExitCode.usage],
    ['help', new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), ExitCode.ok],
    [
      'refused data',
      new PublicationRefusedError(['fct_tickets unique(ticket_id) (fail)']),
      ExitCode.dataCheckFailed,
    ],
    [
      'a refusal',
      new AccessDeniedError('analyst', 'rule', undefined, undefined, 'no'),
      ExitCode.accessDenied,
    ],
    ['an incomplete run', new IncompleteRunError('run-1', []), ExitCode.sourceFailed],
    [
      'retries spent',
      new RetriesExhaustedError('zendesk', '/api/v2/groups.json', 3, 'HTTP 503'),
      ExitCode.sourceFailed,
    ],
    ['a held lock', new RunLockedError('/tmp/warehouse.lock', undefined), ExitCode.locked],
    ['an interruption', new Error('interrupted'), ExitCode.interrupted],
    ['anything else', new TypeError('x is undefined'), ExitCode.unexpected],
  ])('%s leaves with its documented code', (_, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it('prints one line without --verbose, pointing at --verbose for an unexpected error', () => {
    const line = formatCliError(new TypeError('x is undefined\n  more'), false);
    expect(line).toBe('warehouse: x is undefined more (TypeError; run with --verbose for the stack)');
    expect(formatCliError(new TypeError('x'), true)).toMatch(/\n\s+at /);
  });
});
