import '#tests/functions/fixtures/lambda-process-env.ts';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearSecretCache } from '#functions/common/load-secrets.ts';
import { handler } from '#functions/extract.ts';
import { type RunningSimulator, startSimulator } from '#simulator/start-simulator.ts';
import { CheckpointStore } from '#src/extract/checkpoint-store.ts';
import type { ExtractManifest } from '#src/extract/extract-manifest.ts';
import { manifestKey } from '#src/extract/extract-manifest.ts';
import {
  buckets,
  hmacKey,
  type LambdaWorld,
  lambdaContext,
  secretArns,
  startLambdaWorld,
} from './fixtures/lambda-world.ts';

/**
 * A proxy in front of the desk that makes two extractions overlap for certain: the first request
 * of a URL waits until a second one for the same URL arrives (the other run, which has read the
 * same checkpoint by then), or until `openAll()` (a run ended). No clock is involved.
 */
function overlapGate(target: string): Promise<{ url: string; openAll(): void; close(): Promise<void> }> {
  const waiting = new Map<string, () => void>();
  const seen = new Map<string, number>();
  let open = false;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(
      new URL(req.url!, target),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  };
  const server: Server = createServer((req, res) => {
    const url = req.url!;
    const count = (seen.get(url) ?? 0) + 1;
    seen.set(url, count);
    if (open || count > 2) return forward(req, res);
    const partner = waiting.get(url);
    if (partner) {
      waiting.delete(url);
      partner();
      return forward(req, res);
    }
    waiting.set(url, () => forward(req, res));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        openAll() {
          open = true;
          for (const release of waiting.values()) release();
          waiting.clear();
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}

const secrets = mockClient(SecretsManagerClient);
let world: LambdaWorld;
let sim: RunningSimulator;
let gate: Awaited<ReturnType<typeof overlapGate>>;

beforeAll(async () => {
  [world, sim] = await Promise.all([
    startLambdaWorld(),
    startSimulator({
      seed: 12,
      startDate: '2026-08-01',
      days: 2,
      ticketsPerDay: 12,
      customersPerDailyTicket: 20,
      fast: true,
    }),
  ]);
  gate = await overlapGate(sim.zendeskUrl);
  // A held request must not time out and be retried (that would pair it with itself).
  const retry = { baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 120_000, maxRetries: 2 };
  world.useEnvironment({
    source: 'zendesk',
    config: {
      sources: {
        zendesk: { baseUrl: gate.url, startDate: '2026-08-01', perPage: 50, retry },
        hubspot: { baseUrl: sim.hubspotUrl, startDate: '2026-08-01', retry },
      },
    },
  });
  clearSecretCache();
  secrets.on(GetSecretValueCommand, { SecretId: secretArns.hmac }).resolves({ SecretString: hmacKey });
  secrets.on(GetSecretValueCommand, { SecretId: secretArns.zendesk }).resolves({
    SecretString: JSON.stringify({
      email: sim.credentials.zendeskEmail,
      token: sim.credentials.zendeskToken,
    }),
  });
});
afterAll(async () => {
  await gate?.close();
  await sim?.close();
  await world?.close();
});

describe('two extract invocations of one source at once', () => {
  it('never let the later writer overwrite a checkpoint: each stream is advanced by one run, the other stops on the conflict', async () => {
    // Act: a hand-started backfill's extract and the scheduled one, on the same checkpoints
    const runs = ['race-a', 'race-b'];
    const outcomes = await Promise.allSettled(
      runs.map((runId) =>
        handler({ runId, full: false }, lambdaContext(`extract-zendesk-${runId}`)).finally(() =>
          gate.openAll(),
        ),
      ),
    );
    // Assess
    const manifests = await Promise.all(
      runs.map(
        async (runId) =>
          JSON.parse(await world.text(buckets.raw, manifestKey(runId, ['zendesk']))) as ExtractManifest,
      ),
    );
    const streams = manifests[0]!.streams.map((s) => s.stream);
    expect(streams.length).toBeGreaterThan(0);
    for (const stream of streams) {
      const [a, b] = manifests.map((m) => m.streams.find((s) => s.stream === stream)!);
      const winners = [a!, b!].filter((s) => s.status === 'succeeded');
      const losers = [a!, b!].filter((s) => s.status !== 'succeeded');
      expect(winners, stream).toHaveLength(1);
      expect(losers[0]!.errorName, stream).toBe('CheckpointConflictError');
      // The checkpoint is the winner's, written page after page without a gap.
      const checkpoint = JSON.parse(
        await world.text(buckets.raw, CheckpointStore.key('zendesk', stream)),
      ) as { runId: string; pageSeq: number };
      const winner = runs[[a, b].indexOf(winners[0])]!;
      expect(checkpoint.runId, stream).toBe(winner);
      expect(checkpoint.pageSeq, stream).toBe(winners[0]!.pages);
    }
    // A run that lost a stream fails its step (the state machine alerts); none reports success silently.
    for (const [i, outcome] of outcomes.entries()) {
      const lost = manifests[i]!.streams.some((s) => s.status !== 'succeeded');
      expect(outcome.status).toBe(lost ? 'rejected' : 'fulfilled');
    }
  });
});
