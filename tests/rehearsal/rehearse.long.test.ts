import { describe, expect, it } from 'vitest';
import { type RehearsalReport, rehearse } from '#rehearsal/rehearse.ts';

describe('the deployment rehearsal on a small world', () => {
  let report: RehearsalReport;
  const play = (name: string) => report.plays.find((p) => p.play === name)!.executions;

  it('plays the synthesized state machine with the real extract handlers and no denied call', {
    timeout: 600_000,
  }, async () => {
    // Act
    report = await rehearse({ ticketsPerDay: 4, historyDays: 1, simulatedDays: 1, extractsPerDay: 1 });

    // Assess
    expect(report.definitionErrors).toEqual([]);
    expect(report.denied.map((d) => `${d.call.origin}: ${d.missing}`)).toEqual([]);
    expect(play('first deployment').map((e) => e.result.status)).toEqual(['SUCCEEDED']);
    expect(play('hourly extracts and nightly runs').every((e) => e.result.status === 'SUCCEEDED')).toBe(true);
    expect(report.invocations.extract?.count).toBeGreaterThanOrEqual(6);
    const actions = new Set(report.calls.map((c) => c.action));
    for (const action of [
      's3:PutObject',
      's3:GetObject',
      's3:ListBucket',
      'secretsmanager:GetSecretValue',
      'kms:GenerateDataKey',
    ])
      expect(actions).toContain(action);
  });

  it('fails the run of a source answering 500 after its retries, tells the topic, and recovers', () => {
    // Assess
    const [failing, recovering] = play('source failing, then recovering');
    expect([failing!.result.status, failing!.result.error]).toEqual(['FAILED', 'PipelineFailed']);
    expect(failing!.result.events.filter((e) => e.type === 'retry').length).toBeGreaterThanOrEqual(3);
    expect(failing!.result.events.some((e) => e.state === 'NotifyFailure')).toBe(true);
    expect(report.alerts.map((a) => JSON.parse(a.message).event)).toContain('pipeline-failed');
    expect(recovering!.result.status).toBe('SUCCEEDED');
  });

  it('runs an input without mode or full as a full incremental run instead of failing', () => {
    // Assess
    const [run] = play('input without mode');
    expect(run!.result.status).toBe('SUCCEEDED');
    // The run-lock task validated the input and filled in the defaults: an incremental full run.
    expect(run!.result.output).toMatchObject({ mode: 'full', full: false });
  });

  it('refuses a run started while another runs, without failing or alerting, and the first one finishes', () => {
    // Assess
    const runs = play('a run started while another runs');
    const refused = runs.filter((e) => (e.result.output as { refused?: unknown }).refused);
    const ran = runs.filter((e) => !(e.result.output as { refused?: unknown }).refused);
    expect(runs.map((e) => e.result.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.result.events.filter((e) => e.type === 'entered').map((e) => e.state)).toEqual([
      'Start',
      'AcquireRunLock',
      'RunLockTaken',
      'RunRefused',
    ]);
    expect(ran[0]!.result.events.some((e) => /^ReleaseRunLock/.test(e.state))).toBe(true);
  });
});
