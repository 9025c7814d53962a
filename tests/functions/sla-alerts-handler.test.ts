import '#tests/functions/fixtures/lambda-process-env.ts';
import { AddLFTagsToResourceCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '#functions/sla-alerts.ts';
import { type AthenaAnswer, fakeAthena, rowsOf } from './fixtures/fake-athena.ts';
import {
  alertTopicArn,
  answerHmacSecret,
  auditEntries,
  type LambdaWorld,
  lambdaContext,
  startLambdaWorld,
  workgroup,
} from './fixtures/lambda-world.ts';

answerHmacSecret();

/** Trailing-24 h compliance cells as Athena returns them (met, measured per breakdown cell). */
let cells: [breakdown: string, value: string, met: number, measured: number][] = [];
/** The open alert in `sla_alerts`, if any. */
let openAlert: string | undefined;
const alertColumns = [
  'alert_id',
  'kpi',
  'status',
  'raised_at',
  'last_evaluated_at',
  'cleared_at',
  'actual',
  'target',
  'threshold_pp',
  'window_hours',
  'drivers',
  'evaluations',
  'kpi_version',
];
const athena = fakeAthena((sql): AthenaAnswer | undefined => {
  if (sql.includes('with recent as')) {
    return rowsOf(
      [
        ['breakdown', 'varchar'],
        ['breakdown_value', 'varchar'],
        ['met', 'double'],
        ['measured', 'double'],
      ],
      cells.map(([b, v, met, measured]) => [b, v, String(met), String(measured)]),
    );
  }
  if (/^select \* from "sla_alerts"/.test(sql) && openAlert) {
    return rowsOf(
      alertColumns.map((c) => [
        c,
        ['actual', 'target', 'threshold_pp', 'window_hours'].includes(c) ? 'double' : 'varchar',
      ]),
      [
        [
          openAlert,
          'sla_compliance_rate',
          'open',
          '2026-11-22T10:00:00.000Z',
          '2026-11-22T10:00:00.000Z',
          null,
          '0.7',
          '0.95',
          '5',
          '24',
          '[]',
          '1',
          'v1',
        ],
      ],
    );
  }
  return undefined;
});
const sns = mockClient(SNSClient);
const lakeFormation = mockClient(LakeFormationClient);
let world: LambdaWorld;

beforeAll(async () => {
  world = await startLambdaWorld();
  world.useEnvironment();
});
afterAll(async () => world.close());
beforeEach(() => {
  athena.install();
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  lakeFormation.reset();
  lakeFormation.on(AddLFTagsToResourceCommand).resolves({ Failures: [] });
  openAlert = undefined;
});

describe('the SLA-alerts handler', () => {
  it('raises the alert on the alert topic with the cells that drive it, and records it in Athena', async () => {
    // Prepare: 50 % overall against a 95 % target; e-mail is the worst channel.
    cells = [
      ['overall', 'all', 50, 100],
      ['channel', 'email', 5, 40],
      ['channel', 'chat', 58, 60],
    ];
    // Act
    const result = await handler({ runId: 'run-sla-1', full: false }, lambdaContext('sla-alerts'));
    // Assess
    expect(result).toEqual({ runId: 'run-sla-1', outcome: 'raised', actual: 0.5 });
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    expect(published[0]!.TopicArn).toBe(alertTopicArn);
    expect(published[0]!.Subject).toMatch(
      /^SLA compliance 50\.0 % over the last 24 h is below target 95\.0 %/,
    );
    const message = JSON.parse(published[0]!.Message!) as {
      kind: string;
      drivers: { breakdown: string; value: string }[];
    };
    expect(message.kind).toBe('raised');
    expect(message.drivers.map((d) => `${d.breakdown}=${d.value}`)).toEqual(['channel=email']);
    const insert = athena.executions.find((e) => /^insert into "sla_alerts"/.test(e.sql));
    expect(insert?.workgroup).toBe(workgroup);
    // Athena takes execution parameters only in WHERE: the values are inlined as SQL literals.
    expect(insert?.parameters).toEqual([]);
    const [, columns, values] = /^insert into "sla_alerts" \((.*?)\) values \((.*)\)$/s.exec(insert!.sql)!;
    const inserted = Object.fromEntries(
      columns!.split(', ').map((c, i) => [c, values!.match(/'(?:[^']|'')*'|[^,\s]+/g)![i]]),
    );
    expect(inserted).toMatchObject({
      '"status"': "'open'",
      '"kpi_version"': expect.stringMatching(/^'.+'$/),
    });
    expect(lakeFormation.commandCalls(AddLFTagsToResourceCommand)[0]?.args[0].input.LFTags).toEqual([
      { TagKey: 'warehouse_class', TagValues: ['fact'] },
    ]);
    expect((await auditEntries(world)).at(-1)).toMatchObject({
      target: 'run-sla-1',
      outcome: 'success',
      details: { stage: 'sla-alerts' },
      counts: { notifications: 1 },
    });
  });

  it('clears an open alert once compliance recovers and says so on the topic', async () => {
    // Prepare
    openAlert = 'alert-42';
    cells = [['overall', 'all', 97, 100]];
    // Act
    const result = await handler({ runId: 'run-sla-2', full: false }, lambdaContext('sla-alerts'));
    // Assess
    expect(result.outcome).toBe('cleared');
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!) as Record<
      string,
      unknown
    >;
    expect(message).toMatchObject({ kind: 'cleared', alertId: 'alert-42' });
    const update = athena.executions.find((e) => /^update "sla_alerts"/.test(e.sql));
    expect(update?.parameters).toEqual([]);
    expect(update?.sql).toMatch(/ set "status" = 'cleared', .* where "alert_id" = 'alert-42'$/s);
  });

  it('sends nothing when compliance is within the threshold and no alert is open', async () => {
    // Prepare
    cells = [['overall', 'all', 93, 100]];
    // Act
    const result = await handler({ runId: 'run-sla-3', full: false }, lambdaContext('sla-alerts'));
    // Assess
    expect(result).toEqual({ runId: 'run-sla-3', outcome: 'ok', actual: 0.93 });
    expect(sns.calls()).toHaveLength(0);
  });

  it('fails the step with the SNS error name when the topic refuses the alert', async () => {
    // Prepare
    cells = [['overall', 'all', 10, 100]];
    const refused = new Error('User is not authorized to perform: SNS:Publish');
    refused.name = 'AuthorizationErrorException';
    sns.on(PublishCommand).rejects(refused);
    // Act
    const outcome = handler({ runId: 'run-sla-4', full: false }, lambdaContext('sla-alerts'));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'AuthorizationErrorException' });
    expect((await auditEntries(world)).at(-1)).toMatchObject({ target: 'run-sla-4', outcome: 'failure' });
  });
});
