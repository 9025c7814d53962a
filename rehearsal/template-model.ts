/**
 * The synthesized CloudFormation template read as a deployed account would hold it: every
 * intrinsic (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split) resolved to the physical
 * name or ARN AWS would give the resource, so policies, key policies and function environments
 * can be evaluated and used as they are after `cdk deploy`.
 */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[];
}

export interface TemplateModel {
  readonly account: string;
  readonly region: string;
  readonly template: CfnTemplate;
  /** A value with every intrinsic resolved. */
  resolve(value: unknown): unknown;
  /** The ARN of a resource by logical id. */
  arnOf(logicalId: string): string;
  /** The logical ids of resources of a type. */
  ofType(type: string): string[];
  /** Identity policies attached to a role (inline and AWS::IAM::Policy), resolved. */
  rolePolicies(roleArn: string): { name: string; policy: PolicyDocument }[];
  /** The resource policy that governs an ARN (bucket, key, topic, queue, secret), resolved. */
  resourcePolicy(arn: string): PolicyDocument | undefined;
  /** The role ARN and resolved environment of each Lambda function, by logical id. */
  functions(): Map<string, { roleArn: string; environment: Record<string, string>; name: string }>;
}

const lower = (id: string) => id.toLowerCase().slice(0, 63);

export function templateModel(template: CfnTemplate, account: string, region: string): TemplateModel {
  const resources = template.Resources;
  const partition = 'aws';
  const props = (id: string) => resources[id]?.Properties ?? {};

  const ref = (id: string): string => {
    switch (id) {
      case 'AWS::Partition':
        return partition;
      case 'AWS::Region':
        return region;
      case 'AWS::AccountId':
        return account;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return 'SupportKpiWarehouse';
      case 'AWS::NoValue':
        return '';
    }
    const resource = resources[id];
    if (!resource) throw new Error(`Ref to unknown resource ${id}`);
    const p = props(id);
    const named = (key: string) => (typeof p[key] === 'string' ? (resolve(p[key]) as string) : undefined);
    switch (resource.Type) {
      case 'AWS::S3::Bucket':
        return named('BucketName') ?? lower(id);
      case 'AWS::KMS::Key':
        return `key-${lower(id)}`;
      case 'AWS::SNS::Topic':
        return `arn:${partition}:sns:${region}:${account}:${named('TopicName') ?? id}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${named('QueueName') ?? id}`;
      case 'AWS::IAM::Role':
        return named('RoleName') ?? id;
      case 'AWS::Lambda::Function':
        return named('FunctionName') ?? id;
      case 'AWS::SecretsManager::Secret':
        return `arn:${partition}:secretsmanager:${region}:${account}:secret:${named('Name') ?? id}-AbCdEf`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${partition}:states:${region}:${account}:stateMachine:${named('StateMachineName') ?? id}`;
      case 'AWS::Logs::LogGroup':
        return named('LogGroupName') ?? `/aws/${id}`;
      case 'AWS::Athena::WorkGroup':
        return named('Name') ?? id;
      case 'AWS::Glue::Database':
        return resolve((p.DatabaseInput as { Name?: unknown } | undefined)?.Name) as string;
      case 'AWS::CloudTrail::Trail':
        return named('TrailName') ?? id;
      case 'AWS::Scheduler::Schedule':
        return named('Name') ?? id;
      default:
        return id;
    }
  };

  const getAtt = (id: string, attribute: string): string => {
    const resource = resources[id];
    if (!resource) throw new Error(`Fn::GetAtt of unknown resource ${id}`);
    const name = ref(id);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::S3::Bucket.Arn':
        return `arn:${partition}:s3:::${name}`;
      case 'AWS::S3::Bucket.DomainName':
      case 'AWS::S3::Bucket.RegionalDomainName':
        return `${name}.s3.${region}.amazonaws.com`;
      case 'AWS::KMS::Key.Arn':
        return `arn:${partition}:kms:${region}:${account}:key/${name}`;
      case 'AWS::KMS::Key.KeyId':
        return name;
      case 'AWS::SNS::Topic.TopicArn':
        return name;
      case 'AWS::SNS::Topic.TopicName':
        return name.split(':').at(-1)!;
      case 'AWS::SQS::Queue.Arn':
        return `arn:${partition}:sqs:${region}:${account}:${name.split('/').at(-1)}`;
      case 'AWS::SQS::Queue.QueueName':
        return name.split('/').at(-1)!;
      case 'AWS::SQS::Queue.QueueUrl':
        return name;
      case 'AWS::IAM::Role.Arn':
        return `arn:${partition}:iam::${account}:role/${name}`;
      case 'AWS::Lambda::Function.Arn':
        return `arn:${partition}:lambda:${region}:${account}:function:${name}`;
      case 'AWS::StepFunctions::StateMachine.Name':
        return name.split(':').at(-1)!;
      case 'AWS::StepFunctions::StateMachine.Arn':
        return name;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
      case 'AWS::CloudTrail::Trail.Arn':
        return `arn:${partition}:cloudtrail:${region}:${account}:trail/${name}`;
      case 'AWS::Scheduler::Schedule.Arn':
        return `arn:${partition}:scheduler:${region}:${account}:schedule/default/${name}`;
      case 'AWS::SecretsManager::Secret.Id':
        return name;
      default:
        return `${id}.${attribute}`;
    }
  };

  function resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = object[key];
      switch (key) {
        case 'Ref':
          return ref(arg as string);
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : (arg as string).split('.');
          return getAtt(id!, attribute!);
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (resolve(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (resolve(list) as unknown[])[Number(resolve(index))];
        }
        case 'Fn::Split': {
          const [separator, text] = arg as [string, unknown];
          return (resolve(text) as string).split(separator);
        }
        case 'Fn::Sub': {
          const [text, variables] = (typeof arg === 'string' ? [arg, {}] : arg) as [
            string,
            Record<string, unknown>,
          ];
          return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (name in variables) return String(resolve(variables[name]));
            const [id, attribute] = name.split('.');
            return attribute ? getAtt(id!, attribute) : ref(id!);
          });
        }
      }
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, resolve(v)]));
  }

  const ofType = (type: string) => Object.keys(resources).filter((id) => resources[id]!.Type === type);

  const arnOf = (id: string): string => {
    const type = resources[id]?.Type;
    switch (type) {
      case 'AWS::S3::Bucket':
      case 'AWS::KMS::Key':
      case 'AWS::SQS::Queue':
      case 'AWS::IAM::Role':
      case 'AWS::Lambda::Function':
      case 'AWS::Logs::LogGroup':
      case 'AWS::CloudTrail::Trail':
      case 'AWS::Scheduler::Schedule':
        return getAtt(id, 'Arn');
      default:
        return ref(id);
    }
  };

  const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

  return {
    account,
    region,
    template,
    resolve,
    arnOf,
    ofType,
    rolePolicies(roleArn) {
      const roleName = roleArn.split('/').at(-1)!;
      const found: { name: string; policy: PolicyDocument }[] = [];
      for (const id of ofType('AWS::IAM::Role')) {
        if (ref(id) !== roleName) continue;
        for (const inline of (props(id).Policies as { PolicyName: string; PolicyDocument: unknown }[]) ?? [])
          found.push({
            name: `${id}/${inline.PolicyName}`,
            policy: resolve(inline.PolicyDocument) as PolicyDocument,
          });
      }
      for (const id of ofType('AWS::IAM::Policy')) {
        const roles = asList(resolve(props(id).Roles ?? []));
        if (roles.includes(roleName))
          found.push({ name: id, policy: resolve(props(id).PolicyDocument) as PolicyDocument });
      }
      return found;
    },
    resourcePolicy(arn) {
      if (arn.startsWith('arn:aws:s3:::')) {
        const bucket = arn.slice('arn:aws:s3:::'.length).split('/')[0];
        const id = ofType('AWS::S3::BucketPolicy').find((p) => resolve(props(p).Bucket) === bucket);
        return id ? (resolve(props(id).PolicyDocument) as PolicyDocument) : undefined;
      }
      if (arn.includes(':kms:')) {
        const id = ofType('AWS::KMS::Key').find((k) => getAtt(k, 'Arn') === arn);
        return id ? (resolve(props(id).KeyPolicy) as PolicyDocument) : undefined;
      }
      if (arn.includes(':sns:')) {
        const id = ofType('AWS::SNS::TopicPolicy').find((p) =>
          asList(resolve(props(p).Topics)).includes(arn),
        );
        return id ? (resolve(props(id).PolicyDocument) as PolicyDocument) : undefined;
      }
      if (arn.includes(':sqs:')) {
        const url = `https://sqs.${region}.amazonaws.com/${account}/${arn.split(':').at(-1)}`;
        const id = ofType('AWS::SQS::QueuePolicy').find((p) =>
          asList(resolve(props(p).Queues)).includes(url),
        );
        return id ? (resolve(props(id).PolicyDocument) as PolicyDocument) : undefined;
      }
      if (arn.includes(':secretsmanager:')) {
        const id = ofType('AWS::SecretsManager::ResourcePolicy').find(
          (p) => resolve(props(p).SecretId) === arn,
        );
        return id ? (resolve(props(id).ResourcePolicy) as PolicyDocument) : undefined;
      }
      return undefined;
    },
    functions() {
      const found = new Map<string, { roleArn: string; environment: Record<string, string>; name: string }>();
      for (const id of ofType('AWS::Lambda::Function')) {
        const p = props(id);
        found.set(id, {
          name: ref(id),
          roleArn: resolve(p.Role) as string,
          environment: (resolve((p.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) ??
            {}) as Record<string, string>,
        });
      }
      return found;
    },
  };
}
