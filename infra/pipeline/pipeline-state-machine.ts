import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { pipelineSteps, type StepName } from '#src/pipeline/pipeline-stages.ts';
import type { PipelineSource } from './warehouse-pipeline-props.ts';

/** Errors a retry cannot fix: bad input or configuration, or data that failed its tests. */
export const nonRetryableErrors = [
  'InvalidEventError',
  'InvalidEnvironmentError',
  'ConfigError',
  'DataTestsFailedError',
];

/**
 * The longest an execution may run. The run lock expires a quarter hour after it (the last Lambda
 * invocation may still be finishing): past that no execution can still hold it, so it is stale.
 */
export const runTimeout = Duration.hours(12);
export const runLockTtl = runTimeout.plus(Duration.minutes(15));

/** The steps after extraction, in the order of the one stage list (src/pipeline/pipeline-stages.ts). */
export type ModelStep = Exclude<StepName, 'Extract'>;

export interface PipelineStateMachineProps {
  readonly name: string;
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Receives the failure notice of a run. */
  readonly alertTopic: sns.ITopic;
  /** Takes and gives back the one-run-at-a-time lock. */
  readonly runLock: lambda.IFunction;
  /** One extraction function per source, run in parallel. */
  readonly extractors: readonly (readonly [PipelineSource, lambda.IFunction])[];
  /** The function of each model step. */
  readonly steps: Readonly<Record<ModelStep, lambda.IFunction>>;
}

/**
 * The state machine that orders one run: take the run lock, extract every source in parallel
 * (each looping until it says `done`), then (mode `full`, or `models` alone) the model steps in
 * the stage list's order, then give the lock back. Transient errors are retried with backoff;
 * any failure is sent to the topic, the lock released, and the run failed. All states are created
 * in `scope`.
 */
export function pipelineStateMachine(scope: Construct, props: PipelineStateMachineProps): sfn.StateMachine {
  const definition = new PipelineStates(scope, props).definition();
  const machineLogs = new logs.LogGroup(scope, 'StateMachineLogs', {
    retention: props.logRetention,
    encryptionKey: props.key,
  });
  const stateMachine = new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineName: `${props.name}-pipeline`,
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    tracingEnabled: true,
    timeout: runTimeout,
    logs: { destination: machineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
  });
  props.key.grantEncryptDecrypt(stateMachine);
  return stateMachine;
}

class PipelineStates {
  /** Where every failure goes: the topic, then the lock released, then the run failed. */
  private readonly failed: sfn.IChainable;

  constructor(
    private readonly scope: Construct,
    private readonly props: PipelineStateMachineProps,
  ) {
    const notifyFailure = new tasks.SnsPublish(scope, 'NotifyFailure', {
      topic: props.alertTopic,
      subject: `${props.name}: pipeline run failed`,
      message: sfn.TaskInput.fromObject({
        event: 'pipeline-failed',
        runId: sfn.JsonPath.stringAt('$.runId'),
        execution: sfn.JsonPath.stringAt('$$.Execution.Id'),
        error: sfn.JsonPath.stringAt('$.error.Error'),
        cause: sfn.JsonPath.stringAt('$.error.Cause'),
      }),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const runFailed = new sfn.Fail(scope, 'RunFailed', { error: 'PipelineFailed' });
    this.failed = notifyFailure.next(
      this.releaseLock('ReleaseRunLockAfterFailure')
        .addCatch(runFailed, { resultPath: sfn.JsonPath.DISCARD })
        .next(runFailed),
    );
  }

  definition(): sfn.IChainable {
    const { scope } = this;
    const extractAll = this.extraction();
    const modelChain = this.modelChain();
    const afterExtract = new sfn.Choice(scope, 'ModelsToo')
      .when(
        sfn.Condition.stringEquals('$.mode', 'extract'),
        this.catchTo(this.releaseLock('ReleaseRunLockAfterExtract')).next(
          new sfn.Succeed(scope, 'ExtractedOnly'),
        ),
      )
      .otherwise(modelChain);
    // The run id is the execution's name; nothing of the input is read before the first task, so
    // any input reaches the catch path (`$.runId` is what NotifyFailure names).
    const start = new sfn.Pass(scope, 'Start', { parameters: { 'runId.$': '$$.Execution.Name' } });
    // The first task validates the input (defaults for a missing `mode`/`full`, a wrong field
    // named: functions/common/run-event.ts) and takes the run lock; its result is the run's state.
    const acquire = this.catchTo(
      this.retryTransient(
        new tasks.LambdaInvoke(scope, 'AcquireRunLock', {
          lambdaFunction: this.props.runLock,
          payload: sfn.TaskInput.fromObject({
            action: 'acquire',
            runId: sfn.JsonPath.stringAt('$.runId'),
            input: sfn.JsonPath.objectAt('$$.Execution.Input'),
          }),
          payloadResponseOnly: true,
          resultPath: '$',
        }),
      ),
    );
    // Refused (another run holds the lock): this run ends at once, did nothing and says why in
    // its output; the function counted it (RunRefused), and the RunsRefused alarm speaks only
    // when refusals persist. Not a failure: the RunsFailed alarm and the topic stay quiet.
    const refused = new sfn.Succeed(scope, 'RunRefused', {
      comment: 'Another run holds the run lock; this one did nothing (see $.refused).',
    });
    return start
      .next(acquire)
      .next(
        new sfn.Choice(scope, 'RunLockTaken')
          .when(sfn.Condition.isPresent('$.refused'), refused)
          .otherwise(
            new sfn.Choice(scope, 'Mode')
              .when(sfn.Condition.stringEquals('$.mode', 'models'), modelChain)
              .otherwise(extractAll.next(afterExtract)),
          ),
      );
  }

  /** Every source in parallel, each invoked again while it answers `{ done: false }`. */
  private extraction(): sfn.Parallel {
    const { scope } = this;
    const extractAll = this.catchTo(
      new sfn.Parallel(scope, 'ExtractSources', { resultPath: sfn.JsonPath.DISCARD }),
    );
    for (const [source, fn] of this.props.extractors) {
      const step = this.invoke(`Extract-${source}`, fn, {
        runId: sfn.JsonPath.stringAt('$.runId'),
        source,
        full: sfn.JsonPath.stringAt('$.full'),
      });
      const more = new sfn.Choice(scope, `MorePages-${source}`)
        .when(sfn.Condition.booleanEquals(`$.results.Extract${source}.done`, false), step)
        .otherwise(new sfn.Succeed(scope, `Extracted-${source}`));
      extractAll.branch(step.next(more));
    }
    return extractAll;
  }

  /** The model steps in the order of the one stage list, then the lock given back. */
  private modelChain(): sfn.Chain {
    const runPayload = { runId: sfn.JsonPath.stringAt('$.runId'), full: sfn.JsonPath.stringAt('$.full') };
    const payloads: Record<ModelStep, Record<string, unknown>> = {
      Transform: runPayload,
      DataTests: runPayload,
      Publish: { ...runPayload, dataTests: sfn.JsonPath.objectAt('$.results.DataTests') },
      SlaAlerts: runPayload,
      Retention: runPayload,
    };
    const [firstStep, ...laterSteps] = pipelineSteps()
      .map((s) => s.step)
      .filter((step): step is ModelStep => step !== 'Extract');
    const stepStates = (step: ModelStep) => this.stepStates(step, payloads[step]);
    const head = stepStates(firstStep!);
    let modelTail: sfn.INextable & sfn.IChainable = head.last;
    const modelChain = sfn.Chain.start(head.first);
    for (const step of laterSteps) {
      const next = stepStates(step);
      modelTail.next(next.first);
      modelTail = next.last;
    }
    modelTail.next(
      this.catchTo(this.releaseLock('ReleaseRunLock')).next(new sfn.Succeed(this.scope, 'Published')),
    );
    return modelChain;
  }

  /**
   * A step's first and last state. The transform stops before the Lambda time limit with its
   * progress saved and returns `{ done: false }`; it is invoked again until it says `done`, as
   * the extraction is (each invocation continues after the last finished model).
   */
  private stepStates(
    step: ModelStep,
    payload: Record<string, unknown>,
  ): { first: tasks.LambdaInvoke; last: sfn.INextable & sfn.IChainable } {
    const first = this.catchTo(this.invoke(step, this.props.steps[step], payload));
    if (step !== 'Transform') return { first, last: first as sfn.INextable & sfn.IChainable };
    const last = new sfn.Pass(this.scope, 'Transformed');
    first.next(
      new sfn.Choice(this.scope, 'MoreModels')
        // An answer without `done` (a handler of an older deployment) counts as done, not as a
        // runtime error of the choice.
        .when(
          sfn.Condition.and(
            sfn.Condition.isPresent('$.results.Transform.done'),
            sfn.Condition.booleanEquals('$.results.Transform.done', false),
          ),
          first,
        )
        .otherwise(last),
    );
    return { first, last };
  }

  private retryTransient(task: tasks.LambdaInvoke): tasks.LambdaInvoke {
    task.addRetry({ errors: nonRetryableErrors, maxAttempts: 0 });
    task.addRetry({
      errors: [sfn.Errors.ALL],
      interval: Duration.seconds(20),
      backoffRate: 2,
      maxAttempts: 3,
      jitterStrategy: sfn.JitterType.FULL,
    });
    return task;
  }

  private invoke(id: string, fn: lambda.IFunction, payload: Record<string, unknown>): tasks.LambdaInvoke {
    return this.retryTransient(
      new tasks.LambdaInvoke(this.scope, id, {
        lambdaFunction: fn,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        resultPath: `$.results.${id.replace(/\W/g, '')}`,
      }),
    );
  }

  /**
   * Give the run lock back on every path that took it (a release that fails leaves the lock to
   * expire; the run has failed anyway).
   */
  private releaseLock(id: string): tasks.LambdaInvoke {
    return this.retryTransient(
      new tasks.LambdaInvoke(this.scope, id, {
        lambdaFunction: this.props.runLock,
        payload: sfn.TaskInput.fromObject({ action: 'release', runId: sfn.JsonPath.stringAt('$.runId') }),
        payloadResponseOnly: true,
        resultPath: sfn.JsonPath.DISCARD,
      }),
    );
  }

  private catchTo<T extends sfn.TaskStateBase | sfn.Parallel>(state: T): T {
    return state.addCatch(this.failed, { errors: [sfn.Errors.ALL], resultPath: '$.error' }) as T;
  }
}
