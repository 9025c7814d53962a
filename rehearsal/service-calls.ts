import type { AwsCall } from './policy-check.ts';
import type { TemplateModel } from './template-model.ts';

/**
 * The calls AWS services make on the stack's behalf, read from the template: what each must be
 * allowed for the deployed stack to work (AWS documents each of these requirements):
 * - CloudTrail encrypting its log files with the trail's key and writing them to its bucket;
 * - CloudWatch alarms publishing to an encrypted topic (the key policy must let CloudWatch use it);
 * - SNS delivering failed messages to an encrypted subscription dead-letter queue;
 * - EventBridge Scheduler (its target role) sending failed starts to an encrypted DLQ;
 * - CloudWatch Logs encrypting a log group with the key, in the log group's encryption context;
 * - Step Functions invoking the functions and publishing the failure to the encrypted topic;
 * - Lambda decrypting the functions' environment.
 */
export function serviceCalls(model: TemplateModel): AwsCall[] {
  const { account, region } = model;
  const props = (id: string) => (model.template.Resources[id]?.Properties ?? {}) as Record<string, unknown>;
  const r = (value: unknown) => model.resolve(value) as string;
  const calls: AwsCall[] = [];
  const keyOfQueue = (queueArn: string) => {
    const id = model.ofType('AWS::SQS::Queue').find((q) => model.arnOf(q) === queueArn);
    return id && props(id).KmsMasterKeyId ? r(props(id).KmsMasterKeyId) : undefined;
  };
  const keyOfTopic = (topicArn: string) => {
    const id = model.ofType('AWS::SNS::Topic').find((t) => model.arnOf(t) === topicArn);
    return id && props(id).KmsMasterKeyId ? r(props(id).KmsMasterKeyId) : undefined;
  };
  /** A principal using a key through a service (SNS, SQS) needs the data key and to read it back. */
  const viaKey = (
    principal: string,
    key: string | undefined,
    service: string,
    origin: string,
    extra = {},
  ) => {
    if (!key) return;
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
      calls.push({
        principal,
        action,
        resource: key,
        context: { 'kms:ViaService': `${service}.${region}.amazonaws.com`, ...extra },
        origin,
      });
  };
  const serviceKey = (principal: string, key: string | undefined, origin: string, context = {}) => {
    if (!key) return;
    for (const action of ['kms:GenerateDataKey', 'kms:Decrypt'])
      calls.push({ principal, action, resource: key, context, origin });
  };

  for (const id of model.ofType('AWS::CloudTrail::Trail')) {
    const p = props(id);
    const trailArn = model.arnOf(id);
    const origin = `CloudTrail ${id} writes its log files`;
    if (p.KMSKeyId)
      calls.push({
        principal: 'cloudtrail.amazonaws.com',
        action: 'kms:GenerateDataKey',
        resource: r(p.KMSKeyId),
        context: {
          'aws:SourceArn': trailArn,
          'kms:EncryptionContext:aws:cloudtrail:arn': trailArn,
        },
        origin,
      });
    const bucket = r(p.S3BucketName);
    calls.push({
      principal: 'cloudtrail.amazonaws.com',
      action: 's3:GetBucketAcl',
      resource: `arn:aws:s3:::${bucket}`,
      context: { 'aws:SourceArn': trailArn },
      origin,
    });
    calls.push({
      principal: 'cloudtrail.amazonaws.com',
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${bucket}/${p.S3KeyPrefix ? `${r(p.S3KeyPrefix)}/` : ''}AWSLogs/${account}/CloudTrail/x.json.gz`,
      context: { 'aws:SourceArn': trailArn, 's3:x-amz-acl': 'bucket-owner-full-control' },
      origin,
    });
  }

  for (const id of model.ofType('AWS::CloudWatch::Alarm')) {
    const alarmArn = `arn:aws:cloudwatch:${region}:${account}:alarm:${id}`;
    for (const action of (model.resolve(props(id).AlarmActions ?? []) as string[]).filter((a) =>
      a.includes(':sns:'),
    )) {
      const origin = `CloudWatch alarm ${id} notifies ${action.split(':').at(-1)}`;
      calls.push({
        principal: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: action,
        context: { 'aws:SourceArn': alarmArn, 'aws:SourceAccount': account },
        origin,
      });
      serviceKey('cloudwatch.amazonaws.com', keyOfTopic(action), origin, { 'aws:SourceArn': alarmArn });
    }
  }

  for (const id of model.ofType('AWS::SNS::Subscription')) {
    const p = props(id);
    const redrive = p.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
    if (!redrive?.deadLetterTargetArn) continue;
    const queue = r(redrive.deadLetterTargetArn);
    const topic = r(p.TopicArn);
    const origin = `SNS moves undeliverable messages of ${id} to its dead-letter queue`;
    calls.push({
      principal: 'sns.amazonaws.com',
      action: 'sqs:SendMessage',
      resource: queue,
      context: { 'aws:SourceArn': topic },
      origin,
    });
    serviceKey('sns.amazonaws.com', keyOfQueue(queue), origin, { 'aws:SourceArn': topic });
  }

  for (const id of model.ofType('AWS::Scheduler::Schedule')) {
    const target = props(id).Target as {
      Arn: unknown;
      RoleArn: unknown;
      DeadLetterConfig?: { Arn: unknown };
    };
    const role = r(target.RoleArn);
    const origin = `Scheduler ${id}`;
    const targetArn = r(target.Arn);
    // The pipeline schedules start the state machine; the maintenance schedule invokes a function.
    const action = targetArn.includes(':lambda:') ? 'lambda:InvokeFunction' : 'states:StartExecution';
    calls.push({ principal: role, action, resource: targetArn, origin });
    if (target.DeadLetterConfig) {
      const queue = r(target.DeadLetterConfig.Arn);
      calls.push({
        principal: role,
        action: 'sqs:SendMessage',
        resource: queue,
        origin: `${origin} dead-letters`,
      });
      viaKey(role, keyOfQueue(queue), 'sqs', `${origin} dead-letters`);
    }
  }

  for (const id of model.ofType('AWS::Logs::LogGroup')) {
    const key = props(id).KmsKeyId;
    if (!key) continue;
    const groupArn = model.arnOf(id).replace(/:\*$/, '');
    for (const action of ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'])
      calls.push({
        principal: `logs.${region}.amazonaws.com`,
        action,
        resource: r(key),
        context: { 'kms:EncryptionContext:aws:logs:arn': groupArn },
        origin: `CloudWatch Logs encrypts ${id}`,
      });
  }

  for (const id of model.ofType('AWS::StepFunctions::StateMachine')) {
    const p = props(id);
    const role = r(p.RoleArn);
    const definition = r(p.DefinitionString);
    for (const fn of model.ofType('AWS::Lambda::Function')) {
      const arn = model.arnOf(fn);
      if (definition.includes(arn))
        calls.push({
          principal: role,
          action: 'lambda:InvokeFunction',
          resource: arn,
          origin: `${id} invokes ${fn}`,
        });
    }
    for (const topic of model.ofType('AWS::SNS::Topic')) {
      const arn = model.arnOf(topic);
      if (!definition.includes(arn)) continue;
      calls.push({
        principal: role,
        action: 'sns:Publish',
        resource: arn,
        origin: `${id} notifies a failed run`,
      });
      viaKey(role, keyOfTopic(arn), 'sns', `${id} notifies a failed run`);
    }
  }

  for (const id of model.ofType('AWS::Lambda::Function')) {
    const p = props(id);
    if (!p.KmsKeyArn) continue;
    calls.push({
      principal: r(p.Role),
      action: 'kms:Decrypt',
      resource: r(p.KmsKeyArn),
      context: {
        'kms:ViaService': `lambda.${region}.amazonaws.com`,
        'kms:EncryptionContext:aws:lambda:FunctionArn': model.arnOf(id),
      },
      origin: `Lambda decrypts the environment of ${id}`,
    });
  }
  return calls;
}
