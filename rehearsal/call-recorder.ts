import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from '@smithy/core/client';
import type { AwsCall } from './policy-check.ts';
import type { TemplateModel } from './template-model.ts';

/** One SDK request as the handler sent it: the client's service, the command and its input. */
export interface RecordedRequest {
  readonly principal: string;
  readonly service: string;
  readonly command: string;
  readonly input: Readonly<Record<string, unknown>>;
}

const caller = new AsyncLocalStorage<string>();
const recorded: RecordedRequest[] = [];
let installed = false;
const withMiddleware = new WeakSet<object>();

/**
 * Record every AWS SDK request made in this process, by whichever client: an `initialize`
 * middleware added to each client's stack the first time it sends. The principal is the role the
 * rehearsal runs the current handler as (`runAs`). Mocked clients (aws-sdk-client-mock) replace
 * `send` and are not recorded, which is why the rehearsal uses real clients on loopback servers.
 */
export function installCallRecorder(): void {
  if (installed) return;
  installed = true;
  const send = Client.prototype.send;
  Client.prototype.send = function patchedSend(this: Client<never, never, never, never>, ...args: never[]) {
    if (!withMiddleware.has(this)) {
      withMiddleware.add(this);
      const service = (this.config as { serviceId?: string }).serviceId ?? 'unknown';
      this.middlewareStack.add(
        (next, context) => async (request) => {
          const principal = caller.getStore();
          if (principal)
            recorded.push({
              principal,
              service,
              command: String(context.commandName ?? 'unknown').replace(/Command$/, ''),
              input: request.input as Record<string, unknown>,
            });
          return next(request);
        },
        { step: 'initialize', name: 'rehearsalCallRecorder', priority: 'high' },
      );
    }
    return (send as (...a: never[]) => unknown).apply(this, args);
  } as typeof Client.prototype.send;
}

/** Run `work` as the role `principal`: every SDK request inside it is recorded under that role. */
export function runAs<T>(principal: string, work: () => Promise<T>): Promise<T> {
  return caller.run(principal, work);
}

/** Every request recorded so far (and forget them when `clear`). */
export function recordedRequests(clear = false): RecordedRequest[] {
  const copy = [...recorded];
  if (clear) recorded.length = 0;
  return copy;
}

/**
 * The IAM requests an SDK request amounts to, with the context IAM evaluates: the S3 action on
 * the object or bucket ARN (with `s3:prefix` for a listing, the conditional-write header), and the
 * KMS use the service makes with the caller's credentials for an encrypted bucket, secret or topic
 * (`kms:ViaService` and the encryption context; bucket keys make the context the bucket ARN).
 */
export function toIamCalls(model: TemplateModel, request: RecordedRequest): AwsCall[] {
  const { region, account } = model;
  const { principal, input } = request;
  const origin = `${request.service} ${request.command}`;
  const calls: AwsCall[] = [];
  const keyOfBucket = (bucket: string): string | undefined => {
    const id = model.ofType('AWS::S3::Bucket').find((b) => model.resolve({ Ref: b }) === bucket);
    const rules = (
      model.template.Resources[id ?? '']?.Properties?.BucketEncryption as
        | {
            ServerSideEncryptionConfiguration?: {
              ServerSideEncryptionByDefault?: { KMSMasterKeyID?: unknown };
            }[];
          }
        | undefined
    )?.ServerSideEncryptionConfiguration;
    const key = rules?.[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
    return key ? (model.resolve(key) as string) : undefined;
  };
  const s3Kms = (bucket: string, action: string) => {
    const key = keyOfBucket(bucket);
    if (key)
      calls.push({
        principal,
        action,
        resource: key,
        context: {
          'kms:ViaService': `s3.${region}.amazonaws.com`,
          'kms:EncryptionContext:aws:s3:arn': `arn:aws:s3:::${bucket}`,
        },
        origin,
      });
  };
  const object = (bucket: unknown, key: unknown) => `arn:aws:s3:::${bucket}/${key}`;
  switch (`${request.service}:${request.command}`) {
    case 'S3:GetObject':
    case 'S3:HeadObject':
      calls.push({ principal, action: 's3:GetObject', resource: object(input.Bucket, input.Key), origin });
      if (request.command === 'GetObject') s3Kms(String(input.Bucket), 'kms:Decrypt');
      break;
    case 'S3:PutObject':
    case 'S3:CreateMultipartUpload':
    case 'S3:CopyObject': {
      const context: Record<string, string> = {};
      if (typeof input.IfNoneMatch === 'string') context['s3:if-none-match'] = input.IfNoneMatch;
      if (typeof input.IfMatch === 'string') context['s3:if-match'] = input.IfMatch;
      calls.push({
        principal,
        action: 's3:PutObject',
        resource: object(input.Bucket, input.Key),
        context,
        origin,
      });
      if (input.ObjectLockLegalHoldStatus)
        calls.push({
          principal,
          action: 's3:PutObjectLegalHold',
          resource: object(input.Bucket, input.Key),
          origin,
        });
      s3Kms(String(input.Bucket), 'kms:GenerateDataKey');
      if (request.command === 'CopyObject' && typeof input.CopySource === 'string') {
        const [bucket, ...key] = decodeURIComponent(input.CopySource).replace(/^\//, '').split('/');
        calls.push({ principal, action: 's3:GetObject', resource: object(bucket, key.join('/')), origin });
        s3Kms(bucket!, 'kms:Decrypt');
      }
      break;
    }
    case 'S3:UploadPart':
    case 'S3:CompleteMultipartUpload':
      calls.push({ principal, action: 's3:PutObject', resource: object(input.Bucket, input.Key), origin });
      break;
    case 'S3:AbortMultipartUpload':
      calls.push({
        principal,
        action: 's3:AbortMultipartUpload',
        resource: object(input.Bucket, input.Key),
        origin,
      });
      break;
    case 'S3:DeleteObject':
      calls.push({ principal, action: 's3:DeleteObject', resource: object(input.Bucket, input.Key), origin });
      break;
    case 'S3:DeleteObjects':
      for (const o of (input.Delete as { Objects?: { Key: string }[] } | undefined)?.Objects ?? [])
        calls.push({ principal, action: 's3:DeleteObject', resource: object(input.Bucket, o.Key), origin });
      break;
    case 'S3:PutObjectLegalHold':
      calls.push({
        principal,
        action: 's3:PutObjectLegalHold',
        resource: object(input.Bucket, input.Key),
        origin,
      });
      break;
    case 'S3:GetObjectLegalHold':
      calls.push({
        principal,
        action: 's3:GetObjectLegalHold',
        resource: object(input.Bucket, input.Key),
        origin,
      });
      break;
    case 'S3:ListObjectsV2':
    case 'S3:ListObjects':
      calls.push({
        principal,
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${input.Bucket}`,
        context: { 's3:prefix': String(input.Prefix ?? '') },
        origin,
      });
      break;
    case 'Secrets Manager:GetSecretValue': {
      const arn = String(input.SecretId);
      calls.push({ principal, action: 'secretsmanager:GetSecretValue', resource: arn, origin });
      const id = model.ofType('AWS::SecretsManager::Secret').find((s) => model.arnOf(s) === arn);
      const key = id ? model.template.Resources[id]?.Properties?.KmsKeyId : undefined;
      if (key)
        calls.push({
          principal,
          action: 'kms:Decrypt',
          resource: model.resolve(key) as string,
          context: {
            'kms:ViaService': `secretsmanager.${region}.amazonaws.com`,
            'kms:EncryptionContext:SecretARN': arn,
          },
          origin,
        });
      break;
    }
    case 'SNS:Publish': {
      const topic = String(input.TopicArn);
      calls.push({ principal, action: 'sns:Publish', resource: topic, origin });
      const id = model.ofType('AWS::SNS::Topic').find((t) => model.arnOf(t) === topic);
      const key = id ? model.template.Resources[id]?.Properties?.KmsMasterKeyId : undefined;
      if (key)
        for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
          calls.push({
            principal,
            action,
            resource: model.resolve(key) as string,
            context: { 'kms:ViaService': `sns.${region}.amazonaws.com` },
            origin,
          });
      break;
    }
    case 'Athena:StartQueryExecution':
    case 'Athena:GetQueryExecution':
    case 'Athena:GetQueryResults':
    case 'Athena:StopQueryExecution':
    case 'Athena:GetWorkGroup': {
      const workgroup = String(input.WorkGroup ?? workgroupOf(model, principal) ?? 'primary');
      calls.push({
        principal,
        action: `athena:${request.command}`,
        resource: `arn:aws:athena:${region}:${account}:workgroup/${workgroup}`,
        origin,
      });
      break;
    }
    case 'Comprehend:BatchDetectSentiment':
    case 'Comprehend:DetectSentiment':
    case 'Comprehend:BatchDetectDominantLanguage':
    case 'Comprehend:DetectDominantLanguage':
      calls.push({ principal, action: `comprehend:${request.command}`, resource: '*', origin });
      break;
    case 'LakeFormation:AddLFTagsToResource':
    case 'LakeFormation:GetDataAccess':
      calls.push({ principal, action: `lakeformation:${request.command}`, resource: '*', origin });
      break;
    default:
      calls.push({
        principal,
        action: `${request.service.toLowerCase().replace(/\s+/g, '')}:${request.command}`,
        resource: '*',
        origin,
      });
  }
  return calls;
}

/** Query ids carry no workgroup; the pipeline role's workgroup is the one its policy names. */
function workgroupOf(model: TemplateModel, principal: string): string | undefined {
  for (const { policy } of model.rolePolicies(principal))
    for (const statement of policy.Statement) {
      const resources = [statement.Resource].flat() as string[];
      const match = resources.map((r) => /:workgroup\/(.+)$/.exec(String(r))?.[1]).find(Boolean);
      if (match) return match;
    }
  return undefined;
}
