import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import type { WarehouseConfig } from '#src/config/warehouse-config.ts';
import { SecretValueError } from './handler-errors.ts';

const zendeskSecretSchema = z.object({ email: z.string().min(1), token: z.string().min(1) });
const hubspotSecretSchema = z.object({ token: z.string().min(1) });

let client: SecretsManagerClient | undefined;
const values = new Map<string, string>();

async function secretString(secretId: string): Promise<string> {
  const known = values.get(secretId);
  if (known !== undefined) return known;
  client ??= new SecretsManagerClient({});
  const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (!response.SecretString) throw new SecretValueError(secretId, 'it has no value yet');
  values.set(secretId, response.SecretString);
  return response.SecretString;
}

function parseJsonSecret<T>(secretId: string, text: string, schema: z.ZodType<T>, shape: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SecretValueError(secretId, `expected JSON ${shape}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SecretValueError(secretId, `expected JSON ${shape}`);
  return parsed.data;
}

/** Forget cached values (tests; a rotated secret is picked up by the next container anyway). */
export function clearSecretCache(): void {
  values.clear();
  client = undefined;
}

/**
 * Put the HMAC key and a source's credentials where the core code looks for them: the environment
 * variables the configuration names (the same ones a local run reads), so the connectors and the
 * customer-key function run unchanged in Lambda.
 */
export async function loadSecrets(
  config: WarehouseConfig,
  secrets: { hmacKey: string; source?: { name: 'zendesk' | 'hubspot'; secretId: string } },
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  env[config.privacy.hmacKeyEnv] = await secretString(secrets.hmacKey);
  const source = secrets.source;
  if (source?.name === 'zendesk') {
    const names = config.sources.zendesk;
    if (!names) throw new SecretValueError(source.secretId, 'the zendesk source is not configured');
    const value = parseJsonSecret(
      source.secretId,
      await secretString(source.secretId),
      zendeskSecretSchema,
      '{"email": "...", "token": "..."}',
    );
    env[names.emailEnv] = value.email;
    env[names.tokenEnv] = value.token;
  } else if (source?.name === 'hubspot') {
    const names = config.sources.hubspot;
    if (!names) throw new SecretValueError(source.secretId, 'the hubspot source is not configured');
    const value = parseJsonSecret(
      source.secretId,
      await secretString(source.secretId),
      hubspotSecretSchema,
      '{"token": "..."}',
    );
    env[names.tokenEnv] = value.token;
  }
}
