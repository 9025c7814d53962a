import '#tests/functions/fixtures/lambda-process-env.ts';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearSecretCache } from '#functions/common/load-secrets.ts';
import { handler } from '#functions/extract.ts';
import { type RunningSimulator, startSimulator } from '#simulator/start-simulator.ts';
import { manifestKey } from '#src/extract/extract-manifest.ts';
import {
  auditEntries,
  buckets,
  hmacKey,
  type LambdaWorld,
  lambdaContext,
  secretArns,
  startLambdaWorld,
} from './fixtures/lambda-world.ts';

const secrets = mockClient(SecretsManagerClient);
let world: LambdaWorld;
let sim: RunningSimulator;

/** Checkpoint objects of a source, key → content. */
async function checkpoints(source: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const key of await world.keys(buckets.raw, `state/checkpoints/${source}/`)) {
    found.set(key, await world.text(buckets.raw, key));
  }
  return found;
}

beforeAll(async () => {
  [world, sim] = await Promise.all([
    startLambdaWorld(),
    startSimulator({
      seed: 11,
      startDate: '2026-08-01',
      days: 2,
      ticketsPerDay: 12,
      customersPerDailyTicket: 20,
      fast: true,
    }),
  ]);
  const retry = { baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 2_000, maxRetries: 6 };
  world.useEnvironment({
    source: 'zendesk',
    config: {
      sources: {
        zendesk: { baseUrl: sim.zendeskUrl, startDate: '2026-08-01', perPage: 50, retry },
        hubspot: { baseUrl: sim.hubspotUrl, startDate: '2026-08-01', retry },
      },
    },
  });
});
afterAll(async () => {
  await sim?.close();
  await world?.close();
});
beforeEach(() => {
  clearSecretCache();
  secrets.reset();
  secrets.on(GetSecretValueCommand, { SecretId: secretArns.hmac }).resolves({ SecretString: hmacKey });
  secrets.on(GetSecretValueCommand, { SecretId: secretArns.zendesk }).resolves({
    SecretString: JSON.stringify({
      email: sim.credentials.zendeskEmail,
      token: sim.credentials.zendeskToken,
    }),
  });
});

describe('the extract handler', () => {
  it('extracts its source from the API into the lake bucket with the credentials from Secrets Manager', async () => {
    // Act
    const result = await handler({ runId: 'run-ex-1', full: false }, lambdaContext('extract-zendesk'));
    // Assess
    expect(result).toEqual({ runId: 'run-ex-1', source: 'zendesk', done: true });
    expect(
      secrets
        .commandCalls(GetSecretValueCommand)
        .map((c) => c.args[0].input.SecretId)
        .sort(),
    ).toEqual([secretArns.hmac, secretArns.zendesk].sort());
    const landing = await world.keys(buckets.raw, 'landing/zendesk/tickets/');
    expect(landing.length).toBeGreaterThan(0);
    expect(
      landing.every((k) =>
        /^landing\/zendesk\/tickets\/dt=\d{4}-\d{2}-\d{2}\/run-ex-1-\d+\.jsonl\.gz$/.test(k),
      ),
    ).toBe(true);
    expect(await world.keys(buckets.raw, 'raw/zendesk/tickets/')).not.toHaveLength(0);
    expect(await world.keys(buckets.raw, 'landing/hubspot/')).toEqual([]);
    expect([...(await checkpoints('zendesk')).keys()]).toContain('state/checkpoints/zendesk/tickets.json');
    const manifest = JSON.parse(await world.text(buckets.raw, manifestKey('run-ex-1', ['zendesk'])));
    expect(manifest.status).toBe('succeeded');
    expect((await auditEntries(world)).at(-1)).toMatchObject({
      target: 'run-ex-1',
      outcome: 'success',
      details: { stage: 'extract', source: 'zendesk' },
    });
  });

  it('returns done: false near the time limit and keeps every checkpoint for the next invocation', async () => {
    // Prepare
    const before = await checkpoints('zendesk');
    const landingBefore = await world.keys(buckets.raw, 'landing/');
    // Act: 60 s left is inside the 90 s margin the handler keeps for checkpointing.
    const result = await handler(
      { runId: 'run-ex-2', full: false },
      lambdaContext('extract-zendesk', 60_000),
    );
    // Assess
    expect(result).toEqual({ runId: 'run-ex-2', source: 'zendesk', done: false });
    expect(before.size).toBeGreaterThan(0);
    expect(await checkpoints('zendesk')).toEqual(before);
    expect(await world.keys(buckets.raw, 'landing/')).toEqual(landingBefore);
    const manifest = JSON.parse(await world.text(buckets.raw, manifestKey('run-ex-2', ['zendesk'])));
    expect(manifest.status).toBe('aborted');
  });

  it('resumes from the checkpoints in the next invocation instead of re-reading the start date', async () => {
    // Prepare
    const ticketsBefore = (await world.keys(buckets.raw, 'landing/zendesk/tickets/')).length;
    // Act
    const result = await handler({ runId: 'run-ex-3', full: false }, lambdaContext('extract-zendesk'));
    // Assess
    expect(result.done).toBe(true);
    const rerun = (await world.keys(buckets.raw, 'landing/zendesk/tickets/')).filter((k) =>
      k.includes('/run-ex-3-'),
    );
    // A restart from the start date would write as many ticket pages as the first run did.
    expect(rerun.length).toBeLessThan(ticketsBefore);
  });

  it('fails with SecretValueError naming the secret when the source secret has no value yet', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: secretArns.zendesk }).resolves({});
    // Act
    const outcome = handler({ runId: 'run-ex-4', full: false }, lambdaContext('extract-zendesk'));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'SecretValueError' });
    await expect(outcome).rejects.toThrow(secretArns.zendesk);
  });

  it('fails the step with IncompleteRunError when a stream fails, so the state machine alerts and publishes nothing', async () => {
    // Prepare: the desk refuses the token (401)
    secrets.on(GetSecretValueCommand, { SecretId: secretArns.zendesk }).resolves({
      SecretString: JSON.stringify({ email: sim.credentials.zendeskEmail, token: 'revoked-token' }),
    });
    // Act
    const outcome = handler({ runId: 'run-ex-5', full: false }, lambdaContext('extract-zendesk'));
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'IncompleteRunError' });
    await expect(outcome).rejects.toThrow(/zendesk\/tickets/);
    const health = JSON.parse(await world.text(buckets.raw, 'state/stream-health.json'));
    expect(
      health.streams.find((s: { stream: string }) => s.stream === 'tickets').failingSince,
    ).not.toBeNull();
  });
});
