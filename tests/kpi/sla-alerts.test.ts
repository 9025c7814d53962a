import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSlaAlerts } from '#src/kpi/alerts/evaluate-sla-alerts.ts';
import { ConsoleNotifier } from '#src/kpi/alerts/notifiers/console-notifier.ts';
import { FanOutNotifier } from '#src/kpi/alerts/notifiers/fan-out-notifier.ts';
import { FileNotifier } from '#src/kpi/alerts/notifiers/file-notifier.ts';
import type { AlertNotification } from '#src/kpi/alerts/notifiers/notifier.ts';
import { SnsNotifier } from '#src/kpi/alerts/notifiers/sns-notifier.ts';
import { createKpiWorld, type KpiWorld } from '#tests/kpi/helpers/kpi-world.ts';
import { commentRow, groupRows, ticketRow, userRow } from '#tests/kpi/helpers/landing-rows.ts';

let world: KpiWorld;
let alertFile: string;
const lines: string[] = [];

/** `count` tickets on `channel` created from `start` a minute apart, each answered after `replyS`. */
function answered(firstId: number, count: number, channel: string, start: string, replyS: number) {
  const tickets: Record<string, unknown>[] = [];
  const comments: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const created = Date.parse(start) + i * 60_000;
    const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
    tickets.push(ticketRow({ ticket_id: firstId + i, created_at: at(created), via_channel: channel }));
    comments.push(commentRow({ ticket_id: firstId + i, author_id: 101, created_at: at(created) }));
    comments.push(
      commentRow({ ticket_id: firstId + i, author_id: 201, created_at: at(created + replyS * 1000) }),
    );
  }
  return { tickets, comments };
}

function notifier() {
  return new FanOutNotifier([new FileNotifier(alertFile), new ConsoleNotifier((line) => lines.push(line))]);
}

function notifications(): AlertNotification[] {
  return readFileSync(alertFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as AlertNotification);
}

beforeAll(async () => {
  world = await createKpiWorld();
  alertFile = join(world.root, 'alerts.jsonl');
  await world.land('groups', groupRows());
  await world.land('users', [userRow({ user_id: 101 }), userRow({ user_id: 201, role: 'agent' })]);
  // 10 chats answered after 5 min (live-chat target 2 min: breached), 10 e-mails after 10 min (met).
  const chats = answered(1, 10, 'chat', '2026-03-02T09:00:00Z', 300);
  const emails = answered(100, 10, 'email', '2026-03-02T09:00:00Z', 600);
  await world.land('tickets', [...chats.tickets, ...emails.tickets]);
  await world.land('comments', [...chats.comments, ...emails.comments]);
  await world.transform('2026-03-02T12:00:00Z');
});

afterAll(async () => {
  await world?.close();
});

describe('evaluateSlaAlerts', () => {
  it('raises one alert when trailing compliance is more than 5 pp below target, naming the cells that drive it', async () => {
    // Act
    const result = await evaluateSlaAlerts({
      config: world.config,
      engine: world.engine,
      now: new Date('2026-03-02T12:00:00Z'),
      notifier: notifier(),
    });
    // Assess: 10 met of 20 measured first-reply targets (resolutions still pending) = 50 % < 90 %.
    expect(result.outcome).toBe('raised');
    expect(result.actual).toBeCloseTo(0.5, 10);
    expect(result.drivers[0]).toMatchObject({ breakdown: 'channel', value: 'chat', rate: 0, breached: 10 });
    expect(result.drivers.some((d) => d.breakdown === 'channel' && d.value === 'email')).toBe(false);
    const sent = notifications();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.kind).toBe('raised');
    expect(sent[0]!.title).toContain('channel=chat');
    expect(lines[0]).toContain('[ALERT] SLA compliance 50.0 %');
  });

  it('keeps the alert without a second notification while the condition holds', async () => {
    // Act
    const result = await evaluateSlaAlerts({
      config: world.config,
      engine: world.engine,
      now: new Date('2026-03-02T12:30:00Z'),
      notifier: notifier(),
    });
    // Assess
    expect(result.outcome).toBe('kept');
    expect(notifications()).toHaveLength(1);
    const state = await world.query('select status, evaluations from sla_alerts');
    expect(state).toEqual([{ status: 'open', evaluations: 2 }]);
  });

  it('clears the alert once the trailing window recovers', async () => {
    // Prepare: a day later only well-answered e-mails are in the window.
    const emails = answered(200, 5, 'email', '2026-03-03T09:00:00Z', 600);
    await world.land('tickets', emails.tickets, 'run-2');
    await world.land('comments', emails.comments, 'run-2');
    await world.transform('2026-03-03T12:00:00Z');
    // Act
    const result = await evaluateSlaAlerts({
      config: world.config,
      engine: world.engine,
      now: new Date('2026-03-03T12:00:00Z'),
      notifier: notifier(),
    });
    // Assess
    expect(result.outcome).toBe('cleared');
    expect(result.actual).toBe(1);
    const sent = notifications();
    expect(sent.map((n) => n.kind)).toEqual(['raised', 'cleared']);
    expect(sent[1]!.alertId).toBe(sent[0]!.alertId);
    const state = await world.query('select status, cleared_at from sla_alerts');
    expect(state).toEqual([{ status: 'cleared', cleared_at: '2026-03-03T12:00:00.000Z' }]);
  });
});

describe('SnsNotifier', () => {
  it('publishes the alert to the topic with a short ASCII subject and the JSON body', async () => {
    // Prepare
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notification: AlertNotification = {
      alertId: 'a-1',
      kind: 'raised',
      kpi: 'sla_compliance_rate',
      title: `SLA compliance 50.0 % — ${'x'.repeat(200)}`,
      actual: 0.5,
      target: 0.95,
      thresholdPp: 5,
      windowHours: 24,
      drivers: [],
      at: '2026-03-02T12:00:00.000Z',
      kpiVersion: 'kpi-test',
    };
    // Act
    await new SnsNotifier(new SNSClient({ region: 'eu-west-1' }), 'arn:aws:sns:eu-west-1:1:alerts').notify(
      notification,
    );
    // Assess
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.TopicArn).toBe('arn:aws:sns:eu-west-1:1:alerts');
    expect(input.Subject).toHaveLength(100);
    expect(input.Subject).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(input.Message!)).toEqual(notification);
    sns.restore();
  });
});
