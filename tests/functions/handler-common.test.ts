import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearSecretCache, loadSecrets } from '#functions/common/load-secrets.ts';
import { remainingTimeSignal } from '#functions/common/remaining-time-signal.ts';
import { sqlRoot } from '#functions/common/run-event.ts';
import { handler as transformHandler } from '#functions/transform.ts';
import { parseConfig } from '#src/config/warehouse-config.ts';

const secrets = mockClient(SecretsManagerClient);
const context = {
  getRemainingTimeInMillis: () => 600_000,
  functionName: 'transform',
  awsRequestId: 'r1',
} as unknown as Context;

beforeEach(() => {
  secrets.reset();
  clearSecretCache();
});
afterEach(() => secrets.reset());

describe('Lambda secrets', () => {
  it('put the HMAC key and the source credentials into the variables the configuration names', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: 'hmac' }).resolves({ SecretString: 'k'.repeat(64) });
    secrets
      .on(GetSecretValueCommand, { SecretId: 'zendesk' })
      .resolves({ SecretString: JSON.stringify({ email: 'agent@example.com', token: 't0k' }) });
    const config = parseConfig({});
    const env: NodeJS.ProcessEnv = {};
    // Act
    await loadSecrets(config, { hmacKey: 'hmac', source: { name: 'zendesk', secretId: 'zendesk' } }, env);
    // Assess
    expect(env[config.privacy.hmacKeyEnv]).toBe('k'.repeat(64));
    expect(env[config.sources.zendesk!.emailEnv]).toBe('agent@example.com');
    expect(env[config.sources.zendesk!.tokenEnv]).toBe('t0k');
  });

  it('name the secret and the command to set it when it has the wrong shape', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"token": 42}' });
    // Act + Assess
    await expect(
      loadSecrets(parseConfig({}), { hmacKey: 'hmac', source: { name: 'hubspot', secretId: 'hubspot' } }, {}),
    ).rejects.toThrow(
      /Secret hubspot: expected JSON \{"token": "..."\}.*put-secret-value --secret-id hubspot/,
    );
  });
});

describe('the handler chain', () => {
  it('refuses an invalid event with InvalidEventError before calling AWS', async () => {
    // Act
    const outcome = transformHandler({ runId: '../etc' } as never, context);
    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'InvalidEventError' });
    expect(secrets.calls()).toHaveLength(0);
  });

  it('gives long work a signal that fires before the time limit', () => {
    // Act
    const exhausted = remainingTimeSignal({ getRemainingTimeInMillis: () => 60_000 }, 90_000);
    const plenty = remainingTimeSignal({ getRemainingTimeInMillis: () => 600_000 }, 90_000);
    // Assess
    expect(exhausted.signal.aborted).toBe(true);
    expect(plenty.signal.aborted).toBe(false);
    plenty.dispose();
  });

  it('refuses a SQL folder without models instead of building, testing and publishing nothing', () => {
    // Prepare
    const saved = process.env.WAREHOUSE_SQL_ROOT;
    try {
      process.env.WAREHOUSE_SQL_ROOT = '/var/task/sql';
      // Act
      const missing = () => sqlRoot();
      // Assess
      expect(missing).toThrow(expect.objectContaining({ name: 'InvalidEnvironmentError' }));
      expect(missing).toThrow(/WAREHOUSE_SQL_ROOT: \/var\/task\/sql holds no SQL models/);
      process.env.WAREHOUSE_SQL_ROOT = new URL('../../sql', import.meta.url).pathname;
      expect(sqlRoot()).toBe(process.env.WAREHOUSE_SQL_ROOT);
    } finally {
      if (saved === undefined) delete process.env.WAREHOUSE_SQL_ROOT;
      else process.env.WAREHOUSE_SQL_ROOT = saved;
    }
  });
});
