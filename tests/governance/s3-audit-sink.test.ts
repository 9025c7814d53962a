import { describe, expect, it } from 'vitest';
import { AuditLog } from '#src/governance/audit/audit-log.ts';
import { S3AuditSink } from '#src/governance/audit/s3/s3-audit-sink.ts';
import { fakeAuditBucket } from '#tests/governance/fixtures/fake-audit-bucket.ts';

describe('the audit log in S3', () => {
  it('writes one object per entry and verifies the chain', async () => {
    // Prepare
    const bucket = fakeAuditBucket();
    const log = new AuditLog(new S3AuditSink({ bucket: 'audit', prefix: 'wh/audit', client: bucket.client }));

    // Act
    for (let i = 0; i < 3; i++)
      await log.append({ role: 'pipeline', action: 'pipeline.stage', target: `s${i}`, outcome: 'success' });

    // Assess
    expect([...bucket.objects.keys()].sort()).toEqual([
      'wh/audit/HEAD.json',
      'wh/audit/entries/000000000001.json',
      'wh/audit/entries/000000000002.json',
      'wh/audit/entries/000000000003.json',
    ]);
    expect(await log.verify()).toMatchObject({ ok: true, entries: 3 });
  });

  it('never lets two writers take the same seq (If-None-Match: *)', async () => {
    // Prepare: four writers, each with its own sink as separate Lambdas would have
    const bucket = fakeAuditBucket();
    const logs = [1, 2, 3, 4].map(
      (w) => new AuditLog(new S3AuditSink({ bucket: 'audit', client: bucket.client }), { actor: `w${w}` }),
    );

    // Act
    await Promise.all(
      logs.map(async (log, w) => {
        for (let i = 0; i < 5; i++)
          await log.append({
            role: 'pipeline',
            action: 'pipeline.stage',
            target: `w${w}-${i}`,
            outcome: 'success',
          });
      }),
    );

    // Assess: 20 entries, one chain, and the races really happened (more puts than entries + heads)
    const verification = await logs[0]!.verify();
    expect(verification).toMatchObject({ ok: true, entries: 20 });
    expect(bucket.puts()).toBeGreaterThan(40);
  });

  it('names an edited entry', async () => {
    const bucket = fakeAuditBucket();
    const log = new AuditLog(new S3AuditSink({ bucket: 'audit', client: bucket.client }));
    for (let i = 0; i < 3; i++)
      await log.append({ role: 'analyst', action: 'query', target: `q${i}`, outcome: 'success' });
    const key = 'entries/000000000002.json';
    bucket.objects.set(key, bucket.objects.get(key)!.replace('"q1"', '"q9"'));

    const result = await log.verify();

    expect(result).toMatchObject({ ok: false, broken: { seq: 2, location: key } });
  });

  it.each(['not json', 'null', '{"seq":"2"}'])(
    'reports a HEAD.json holding %s instead of crashing',
    async (text) => {
      // Prepare
      const bucket = fakeAuditBucket();
      const log = new AuditLog(new S3AuditSink({ bucket: 'audit', client: bucket.client }), {
        key: 'k'.repeat(32),
      });
      for (let i = 0; i < 2; i++)
        await log.append({ role: 'analyst', action: 'query', target: `q${i}`, outcome: 'success' });
      bucket.objects.set('HEAD.json', text);

      // Act
      const result = await log.verify();

      // Assess
      expect(result).toMatchObject({ ok: false, entries: 2, broken: { location: 'HEAD.json' } });
    },
  );

  it('refuses to chain onto an entry object that is not an entry', async () => {
    // Prepare
    const bucket = fakeAuditBucket();
    const log = new AuditLog(new S3AuditSink({ bucket: 'audit', client: bucket.client }));
    await log.append({ role: 'analyst', action: 'query', target: 'q0', outcome: 'success' });
    bucket.objects.set('entries/000000000002.json', '{"seq":2,"ti');

    // Act
    const append = log.append({ role: 'analyst', action: 'query', target: 'q1', outcome: 'success' });

    // Assess
    await expect(append).rejects.toThrow(/nothing was appended/);
    expect(bucket.objects.get('entries/000000000002.json')).toBe('{"seq":2,"ti');
    expect(await log.verify()).toMatchObject({
      ok: false,
      broken: { location: 'entries/000000000002.json' },
    });
  });
});
