import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument, TemplateModel } from './template-model.ts';

/**
 * One AWS request as IAM evaluates it: who (a role ARN, or a service principal such as
 * `cloudtrail.amazonaws.com`), the IAM action, the resource ARN and the request context
 * (KMS encryption context and `kms:ViaService`, S3 conditional-write keys, source ARN …).
 */
export interface AwsCall {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Readonly<Record<string, string | string[]>>;
  /** What made it, for the report: `functions/extract.ts → S3 PutObject`, `CloudTrail writes logs`. */
  readonly origin?: string;
}

export interface CallVerdict {
  readonly call: AwsCall;
  readonly allowed: boolean;
  /** 'Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied', or the simulator's validation error. */
  readonly result: string;
  /** For a denied call: which policy lacks a statement, or which statement denies it. */
  readonly missing?: string;
}

const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com$/;

/**
 * iam-simulate (0.1.x) recognises variable context keys only in the `prefix/variable` form
 * (`aws:RequestTag/x`), so it drops `kms:EncryptionContext:aws:logs:arn` as unknown and every
 * encryption-context condition would fail as if the key were absent. Both the policies'
 * conditions and the request's context are renamed to a global key of the supported form, same
 * operator, same values: the evaluation is unchanged, the key is evaluated instead of ignored.
 */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:(.+)$/i;
const surrogate = (key: string) => {
  const match = ENCRYPTION_CONTEXT.exec(key);
  return match ? `aws:RequestTag/kms-encryption-context.${match[1]}` : key;
};
function renameContextKeys<T>(policy: T): T {
  if (!policy) return policy;
  const document = policy as unknown as PolicyDocument;
  return {
    ...document,
    Statement: [document.Statement].flat().map((statement) => {
      const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
      if (!condition) return statement;
      return {
        ...statement,
        Condition: Object.fromEntries(
          Object.entries(condition).map(([operator, block]) => [
            operator,
            Object.fromEntries(Object.entries(block).map(([key, value]) => [surrogate(key), value])),
          ]),
        ),
      };
    }),
  } as T;
}

/**
 * Evaluate a call with `@cloud-copilot/iam-simulate` against the calling role's own policies and
 * the resource's policy (bucket policy, key policy, topic or queue policy) as the template defines
 * them. Same-account rules apply: a key is used only if its key policy allows it (directly or by
 * delegating to the account); a bucket, topic or queue if either side allows and nothing denies.
 */
export async function checkCall(model: TemplateModel, call: AwsCall): Promise<CallVerdict> {
  const service = SERVICE_PRINCIPAL.test(call.principal);
  const identityPolicies = service ? [] : model.rolePolicies(call.principal);
  const resourcePolicy: PolicyDocument | undefined = model.resourcePolicy(call.resource);
  const simulation: Simulation = {
    request: {
      principal: call.principal,
      action: call.action,
      resource: { resource: call.resource, accountId: model.account },
      contextVariables: {
        'aws:SecureTransport': 'true',
        ...(service ? {} : { 'aws:PrincipalAccount': model.account }),
        ...Object.fromEntries(Object.entries(call.context ?? {}).map(([k, v]) => [surrogate(k), v])),
      },
    },
    identityPolicies: identityPolicies.map((p) => ({ name: p.name, policy: renameContextKeys(p.policy) })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy ? { resourcePolicy: renameContextKeys(resourcePolicy) } : {}),
  };
  const response = await runSimulation(simulation, {});
  if (response.resultType === 'error') {
    return {
      call,
      allowed: false,
      result: 'SimulationError',
      missing: JSON.stringify(response.errors),
    };
  }
  const allowed = response.overallResult === 'Allowed';
  if (allowed) return { call, allowed, result: response.overallResult };
  return {
    call,
    allowed,
    result: response.overallResult,
    missing: explainDenial(call, response, resourcePolicy),
  };
}

function explainDenial(
  call: AwsCall,
  response: Awaited<ReturnType<typeof runSimulation>>,
  resourcePolicy: PolicyDocument | undefined,
): string {
  const analysis = response.resultType === 'single' ? response.result.analysis : undefined;
  const denying = [
    ...(analysis?.identityAnalysis?.denyStatements ?? []),
    ...(analysis?.resourceAnalysis?.denyStatements ?? []),
  ].map((s) => s.explain?.identifier);
  if (denying.length > 0) return `statement ${denying.join(', ')} denies ${call.action} on ${call.resource}`;
  const kms = call.action.startsWith('kms:');
  const identityAllows = (analysis?.identityAnalysis?.allowStatements.length ?? 0) > 0;
  const resourceAllows = (analysis?.resourceAnalysis?.allowStatements.length ?? 0) > 0;
  const context = call.context ? ` with ${JSON.stringify(call.context)}` : '';
  if (kms && !resourceAllows)
    return `the key policy of ${call.resource} has no statement allowing ${call.principal} ${call.action}${context}`;
  if (!identityAllows && !SERVICE_PRINCIPAL.test(call.principal))
    return `no statement of ${call.principal.split('/').at(-1)}'s policies allows ${call.action} on ${call.resource}${context}`;
  return `${resourcePolicy ? 'the resource policy' : 'no resource policy'} of ${call.resource} has no statement allowing ${call.principal} ${call.action}${context}`;
}

/** Evaluate every call; the denied ones, each with the statement it lacks. */
export async function deniedCalls(model: TemplateModel, calls: readonly AwsCall[]): Promise<CallVerdict[]> {
  const seen = new Set<string>();
  const denied: CallVerdict[] = [];
  for (const call of calls) {
    const key = JSON.stringify([call.principal, call.action, call.resource, call.context]);
    if (seen.has(key)) continue;
    seen.add(key);
    const verdict = await checkCall(model, call);
    if (!verdict.allowed) denied.push(verdict);
  }
  return denied;
}
