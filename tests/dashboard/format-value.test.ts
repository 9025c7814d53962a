import { describe, expect, test } from 'vitest';
import {
  formatChange,
  formatDuration,
  formatRate,
  formatValue,
  labelOf,
  unitOf,
} from '#src/dashboard/format-value.ts';

describe('numbers for people', () => {
  test.each([
    [0, '0 s'],
    [45, '45 s'],
    [59.6, '1 min 00 s'],
    [125, '2 min 05 s'],
    [3_900, '1 h 05 min'],
    [3_599, '59 min 59 s'],
    [86_399, '1 d 0 h'],
    [3 * 86_400 + 4 * 3_600, '3 d 4 h'],
    [-90, '−1 min 30 s'],
  ])('a duration of %s seconds reads %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test('rates read as percentages and changes of rates as percentage points', () => {
    expect(formatRate(0.874)).toBe('87.4 %');
    expect(formatValue('sla_compliance_rate', 0.95)).toBe('95.0 %');
    expect(formatValue('repeat_contact_rate_24h', 0.1)).toBe('10.0 %');
    expect(formatChange('fcr_rate', -0.012)).toBe('▼ −1.2 pp');
    expect(formatChange('aht_s', 65)).toBe('▲ +1 min 05 s');
    expect(formatChange('peak_hour_frt_degradation', 0)).toBe('= ±0.0 pp');
  });

  test('the KPI catalogue unit wins over the name', () => {
    expect(unitOf('avg_sentiment')).toBe('score');
    expect(unitOf('sentiment_shift')).toBe('number');
    expect(formatValue('avg_sentiment', -0.123)).toBe('−0.12');
    expect(formatValue('peak_hour_frt_degradation', 0.2)).toBe('20.0 %');
    expect(formatValue('post_contact_retention_30d', 0.856)).toBe('85.6 %');
  });

  test('ids, timestamps, counts and missing values keep their meaning', () => {
    expect(formatValue('agent_id', 1003)).toBe('1003');
    expect(formatValue('backlog_open', 12_345)).toBe('12,345');
    expect(formatValue('raised_at', '2026-11-22T03:00:00.000Z')).toBe('2026-11-22 03:00 UTC');
    expect(formatValue('first_reply_time_avg_s', null)).toBe('—');
    expect(formatValue('channel', 'chat')).toBe('chat');
  });

  test('KPI names become labels', () => {
    expect(labelOf('first_reply_time_p90_s')).toBe('First reply time p90');
    expect(labelOf('aht_s')).toBe('AHT');
    expect(labelOf('solved_tickets')).toBe('Solved tickets');
    expect(labelOf('sla_compliance_rate')).toBe('SLA compliance rate');
    expect(labelOf('nps')).toBe('NPS');
  });
});

describe('breakdown cells stored as JSON', () => {
  test('read as one line of cells with their rate and breaches', () => {
    const drivers = JSON.stringify([
      { breakdown: 'channel', value: 'chat', met: 21, breached: 12, rate: 0.6363 },
      { breakdown: 'vip_tier', value: 'gold', rate: 0.5 },
    ]);
    expect(formatValue('drivers', drivers)).toBe('channel=chat 63.6 % (12 breached); vip_tier=gold 50.0 %');
  });
});
