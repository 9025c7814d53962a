import '#tests/functions/fixtures/lambda-process-env.ts';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as runLockHandler } from '#functions/run-lock.ts';
import { type AslMachine, runStateMachine } from '#rehearsal/asl-interpreter.ts';
import { rehearsalDeployment } from '#rehearsal/rehearsal-deployment.ts';
import { synthesizeModel } from '#rehearsal/stack-model.ts';
import type { TemplateModel } from '#rehearsal/template-model.ts';
import { RUN_LOCK_KEY } from '#src/pipeline/run-lock.ts';
import {
  buckets,
  type LambdaWorld,
  lambdaContext,
  startLambdaWorld,
} from '#tests/functions/fixtures/lambda-world.ts';

/**
 * The synthesized state machine played by the rehearsal's ASL interpreter: the run-lock task runs
 * its real handler on s3rver, every other task answers as a finished step, SNS is recorded.
 */
let world: LambdaWorld;
let model: TemplateModel;
let machine: AslMachine;
let handlerOf: (arn: string) => string;

beforeAll(async () => {
  model = synthesizeModel(rehearsalDeployment);
  const machineId = model.ofType('AWS::StepFunctions::StateMachine')[0]!;
  machine = JSON.parse(
    model.resolve(model.template.Resources[machineId]!.Properties!.DefinitionString) as string,
  ) as AslMachine;
  const byArn = new Map(
    [...model.functions()].map(([id, fn]) => [model.arnOf(id), fn.environment.POWERTOOLS_SERVICE_NAME!]),
  );
  handlerOf = (arn) => byArn.get(arn) ?? 'unknown';
  const lockEnvironment = [...model.functions().values()].find(
    (fn) => fn.environment.POWERTOOLS_SERVICE_NAME === 'run-lock',
  )!.environment;
  world = await startLambdaWorld();
  world.useEnvironment();
  process.env.RUN_LOCK_TTL_SECONDS = lockEnvironment.RUN_LOCK_TTL_SECONDS;
});
afterAll(async () => {
  delete process.env.RUN_LOCK_TTL_SECONDS;
  await world?.close();
});

interface Played {
  status: string;
  output: unknown;
  invoked: string[];
  published: unknown[];
  error?: string;
}

async function play(input: unknown, name: string, holdAt?: () => Promise<void>): Promise<Played> {
  const invoked: string[] = [];
  const published: unknown[] = [];
  const result = await runStateMachine(machine, input, {
    executionName: name,
    runTask: async (resource, payload) => {
      if (resource === 'arn:aws:states:::sns:publish') {
        published.push((payload as { Message: unknown }).Message);
        return {};
      }
      const handler = handlerOf(resource);
      invoked.push(handler);
      if (handler === 'run-lock')
        return runLockHandler(payload as never, lambdaContext('support-kpi-run-lock') as Context);
      if (handler === 'extract') {
        await holdAt?.();
        return { done: true };
      }
      return { passed: true };
    },
  });
  return { status: result.status, output: result.output, invoked, published, error: result.error };
}

describe('the state machine’s input', () => {
  it('runs a hand-started backfill without mode or full as an incremental full run', async () => {
    // Act
    const run = await play({}, 'backfill-no-mode');
    // Assess
    expect(run.status).toBe('SUCCEEDED');
    expect(run.invoked).toContain('extract');
    expect(run.invoked).toContain('publish');
    expect(run.invoked.at(-1)).toBe('run-lock');
    expect(await world.keys(buckets.raw, RUN_LOCK_KEY)).toEqual([]);
  });

  it.each([
    ['a wrong field', { mode: 'extract', full: 'yes' }, /input\.full/],
    ['an unknown mode', { mode: 'backfill' }, /input\.mode/],
    ['an input that is not an object', 'extract', /input/],
  ])(
    'fails inside the catch path on %s: the topic is told which field, and the lock is not left held',
    async (_, input, field) => {
      // Act
      const run = await play(input, `bad-input-${String(Math.random()).slice(2, 8)}`);
      // Assess
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('PipelineFailed');
      expect(run.published).toHaveLength(1);
      expect(run.published[0]).toMatchObject({ event: 'pipeline-failed', error: 'InvalidEventError' });
      expect(String((run.published[0] as { cause: string }).cause)).toMatch(field);
      expect(run.invoked.filter((h) => h !== 'run-lock')).toEqual([]);
      expect(await world.keys(buckets.raw, RUN_LOCK_KEY)).toEqual([]);
    },
  );
});

describe('a run started while another runs', () => {
  it('is refused at once, does nothing, tells no topic and does not fail; the first run finishes and frees the lock', async () => {
    // Prepare: the nightly run is held in its extraction while the hourly extract starts
    let second: Played | undefined;
    let started = false;
    const whileFirstExtracts = async () => {
      if (started) return;
      started = true;
      second = await play({ mode: 'extract', full: false }, 'hourly-during-nightly');
    };
    // Act
    const first = await play({ mode: 'full', full: false }, 'nightly', whileFirstExtracts);
    // Assess
    expect(second!.status).toBe('SUCCEEDED');
    expect(second!.invoked).toEqual(['run-lock']);
    expect(second!.published).toEqual([]);
    expect(second!.output).toMatchObject({ refused: { heldBy: { runId: 'nightly', command: 'full' } } });
    expect(first.status).toBe('SUCCEEDED');
    expect(first.invoked).toContain('publish');
    expect(await world.keys(buckets.raw, RUN_LOCK_KEY)).toEqual([]);
  });
});
