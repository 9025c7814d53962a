import { beforeAll, describe, expect, it } from 'vitest';
import { monthlyCost } from '#rehearsal/cost-estimate.ts';
import { type PlayName, type RehearsalReport, rehearse, unmetExpectations } from '#rehearsal/rehearse.ts';

/*
 * `npm run rehearse` on a small world: the synthesized state machine played with every real
 * handler, the model steps against the local Athena on the same s3rver, every AWS call checked
 * against the stack's own policies. One rehearsal, each play assessed in its own test.
 */
let report: RehearsalReport;
const play = (name: PlayName) => report.plays.find((p) => p.play === name)!.executions;

beforeAll(async () => {
  report = await rehearse({ ticketsPerDay: 4, historyDays: 1, simulatedDays: 1, extractsPerDay: 1 });
}, 1_500_000);

describe('the deployment rehearsal on a small world', () => {
  it('runs every handler for real, with a valid definition and no denied call', () => {
    // Assess
    expect(report.definitionErrors).toEqual([]);
    expect(report.denied.map((d) => `${d.call.origin}: ${d.missing}`)).toEqual([]);
    for (const handler of ['extract', 'transform', 'data-tests', 'publish', 'sla-alerts', 'retention'])
      expect(report.invocations[handler]?.count, handler).toBeGreaterThan(0);
    expect(report.athena.statements).toBeGreaterThan(0);
    const actions = new Set(report.calls.map((c) => c.action));
    for (const action of [
      's3:PutObject',
      's3:GetObject',
      's3:ListBucket',
      's3:DeleteObject',
      'secretsmanager:GetSecretValue',
      'kms:GenerateDataKey',
      'athena:StartQueryExecution',
      'lakeformation:AddLFTagsToResource',
    ])
      expect(actions).toContain(action);
    expect(unmetExpectations(report)).toEqual([]);
  });

  it('plays a first deployment, then hourly extracts and a nightly run', () => {
    // Assess
    expect(play('first deployment').map((e) => e.result.status)).toEqual(['SUCCEEDED']);
    const days = play('hourly extracts and nightly runs');
    expect(days.map((e) => [(e.input as { mode: string }).mode, e.result.status])).toEqual([
      ['extract', 'SUCCEEDED'],
      ['full', 'SUCCEEDED'],
    ]);
  });

  it('publishes the same KPIs as a local DuckDB run on the same world, table by table', () => {
    // Assess
    // Known, recorded differences (KNOWN_DIFFERENCES: dim_customers' history, sla_alerts) are
    // reported apart; any other table must hold the same rows.
    expect(report.kpiComparison?.differences).toEqual([]);
    expect(report.kpiComparison?.tables).toBeGreaterThan(10);
    expect(report.kpiComparison?.rows).toBeGreaterThan(0);
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

  it('keeps the held customer’s tickets through retention and removes everyone else’s', () => {
    // Assess
    const retention = report.retention!;
    const caught = retention.execution.result.events.filter((e) => e.type === 'caught').map((e) => e.detail);
    expect(retention.execution.result.status, caught.join('\n')).toBe('SUCCEEDED');
    expect(retention.before.held).toBeGreaterThan(0);
    expect(retention.before.others).toBeGreaterThan(0);
    expect(retention.after).toEqual({ held: retention.before.held, others: 0 });
    expect(retention.landingAfter).toEqual({ held: retention.landingBefore.held, others: 0 });
  });

  it('estimates a month from the counted calls, growing with the ticket volume', () => {
    // Act
    const small = monthlyCost(report, { rehearsalTicketsPerDay: 4, ticketsPerDay: 300 });
    const large = monthlyCost(report, { rehearsalTicketsPerDay: 4, ticketsPerDay: 5000 });
    // Assess
    const total = (lines: typeof small) => lines.reduce((sum, l) => sum + l.usd, 0);
    expect(total(small)).toBeGreaterThan(0);
    expect(total(large)).toBeGreaterThan(total(small));
    expect(small.find((l) => l.item.startsWith('Athena'))!.quantity).toBeGreaterThan(0);
  });
});
