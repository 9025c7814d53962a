import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake service answered: which service, which action, its parameters. */
export interface ServedCall {
  readonly service: 'secretsmanager' | 'sns' | 'lakeformation';
  readonly action: string;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface LoopbackServices {
  readonly endpoint: string;
  /** Everything answered so far, oldest first. */
  readonly calls: ServedCall[];
  /** Secret values by ARN (the rehearsal puts them as `aws secretsmanager put-secret-value` would). */
  readonly secrets: Map<string, string>;
  /** Messages published, by topic ARN. */
  published(topicArn: string): { subject?: string; message: string }[];
  /** The environment that points the real SDK clients at this server. */
  readonly environment: Record<string, string>;
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Small in-process stand-ins for Secrets Manager (AWS JSON 1.1), SNS (AWS Query) and Lake
 * Formation's AddLFTagsToResource (REST JSON) on loopback, spoken to by the handlers' real SDK
 * clients through the SDK's service-specific endpoint variables (`AWS_ENDPOINT_URL_SECRETS_MANAGER`,
 * `AWS_ENDPOINT_URL_SNS`, `AWS_ENDPOINT_URL_LAKEFORMATION`). Each records its calls.
 */
export async function startLoopbackServices(): Promise<LoopbackServices> {
  const calls: ServedCall[] = [];
  const secrets = new Map<string, string>();
  const server = createServer(async (request, response) => {
    const text = await body(request);
    const target = request.headers['x-amz-target'];
    // Lake Formation speaks REST JSON: POST /<Operation>. The runner tags each table it creates.
    if (request.url === '/AddLFTagsToResource') {
      calls.push({
        service: 'lakeformation',
        action: 'AddLFTagsToResource',
        params: JSON.parse(text || '{}'),
      });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ Failures: [] }));
      return;
    }
    if (typeof target === 'string' && target.startsWith('secretsmanager.')) {
      const action = target.slice('secretsmanager.'.length);
      const params = JSON.parse(text || '{}') as { SecretId?: string };
      calls.push({ service: 'secretsmanager', action, params });
      const value = params.SecretId ? secrets.get(params.SecretId) : undefined;
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (action !== 'GetSecretValue' || value === undefined) {
        response.statusCode = 400;
        response.end(
          JSON.stringify({ __type: 'ResourceNotFoundException', message: `no secret ${params.SecretId}` }),
        );
        return;
      }
      response.end(JSON.stringify({ ARN: params.SecretId, Name: params.SecretId, SecretString: value }));
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(text));
    const action = form.Action ?? 'unknown';
    calls.push({ service: 'sns', action, params: form });
    response.setHeader('content-type', 'text/xml');
    if (action !== 'Publish') {
      response.statusCode = 400;
      response.end(
        `<ErrorResponse><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></ErrorResponse>`,
      );
      return;
    }
    response.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    calls,
    secrets,
    published: (topicArn) =>
      calls
        .filter((c) => c.service === 'sns' && c.action === 'Publish' && c.params.TopicArn === topicArn)
        .map((c) => ({
          ...(c.params.Subject ? { subject: String(c.params.Subject) } : {}),
          message: String(c.params.Message),
        })),
    environment: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_ENDPOINT_URL_SNS: endpoint,
      AWS_ENDPOINT_URL_LAKEFORMATION: endpoint,
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
