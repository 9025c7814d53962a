import { beforeAll, describe, expect, it } from 'vitest';
import { type AslMachine, runStateMachine } from '#rehearsal/asl-interpreter.ts';
import { synthStack } from './synth-stack.ts';

/** The synthesized state machine, its CloudFormation tokens (function ARNs) replaced by placeholders. */
let machine: AslMachine;

beforeAll(() => {
  const { template } = synthStack();
  const resource = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as {
    Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } };
  };
  machine = JSON.parse(
    resource.Properties.DefinitionString['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : 'token'))
      .join(''),
  ) as AslMachine;
}, 120_000);

/** The run-lock tasks answer as functions/run-lock.ts does when the lock is free. */
function runLock(state: string, runId: string): Record<string, unknown> | undefined {
  if (state === 'AcquireRunLock') return { runId, mode: 'models', full: false, lock: { expiresAt: 'later' } };
  if (state.startsWith('ReleaseRunLock')) return { runId, released: true };
  return undefined;
}

describe('the pipeline state machine', () => {
  it('invokes the transform again while it answers done: false, then goes on to the data tests', async () => {
    // Prepare: the transform needs three invocations
    const answers = [false, false, true];
    const invoked: string[] = [];
    // Act
    const result = await runStateMachine(
      machine,
      { mode: 'models', full: false },
      {
        executionName: 'run-loop',
        runTask: async (_resource, input, state) => {
          const lock = runLock(state, 'run-loop');
          if (lock) return lock;
          invoked.push(state);
          if (state === 'Transform') {
            expect(input).toMatchObject({ runId: 'run-loop', full: false });
            return { runId: 'run-loop', models: 3, done: answers.shift() };
          }
          return { runId: 'run-loop', passed: true };
        },
      },
    );
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(invoked.slice(0, 4)).toEqual(['Transform', 'Transform', 'Transform', 'DataTests']);
    expect(invoked.filter((s) => s === 'Transform')).toHaveLength(3);
  });

  it('goes on when the transform answers without done (a handler of an older deployment)', async () => {
    // Act
    const invoked: string[] = [];
    const result = await runStateMachine(
      machine,
      { mode: 'models', full: false },
      {
        executionName: 'run-old',
        runTask: async (_resource, _input, state) => {
          const lock = runLock(state, 'run-old');
          if (lock) return lock;
          invoked.push(state);
          return { runId: 'run-old', passed: true };
        },
      },
    );
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(invoked.slice(0, 2)).toEqual(['Transform', 'DataTests']);
  });
});
