import { describe, expect, it } from 'vitest';
import { runEventSchema } from '#functions/common/run-event.ts';
import { localStages, pipelineStages, pipelineSteps, stagesOf } from '#src/pipeline/pipeline-stages.ts';
import { publicationPrefix } from '#src/publish/publication-manifest.ts';
import { runIdSchema } from '#src/shared/run-id.ts';
import { synthStack } from '#tests/infra/synth-stack.ts';

interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
}

/** The task states the definition visits after the models begin, following Next from `start`. */
function chainFrom(states: Record<string, AslState>, start: string): string[] {
  const visited: string[] = [];
  let name: string | undefined = start;
  while (name) {
    const state: AslState | undefined = states[name];
    if (state?.Type === 'Task') visited.push(name);
    else if (state?.Type === 'Choice' && visited.length > 0) {
      // A step's loop (the transform invoked again while it answers done: false) goes back to
      // a task already visited; the chain goes on through the Choice's default.
    } else if (state?.Type !== 'Pass' || visited.length === 0) break;
    name = state?.Type === 'Choice' ? state.Default : state?.Next;
  }
  return visited;
}

describe('the one stage list', () => {
  const { template } = synthStack();
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const body = (machine!.Properties.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
    .map((part) => (typeof part === 'string' ? part : 'x'))
    .join('');
  const definition = JSON.parse(body) as { States: Record<string, AslState> };

  it('orders the state machine’s model steps, from the Choice that starts them to the end', () => {
    // Prepare
    const modes = definition.States.Mode!;
    const firstModelStep = modes.Choices![0]!.Next;

    // Act
    const chain = chainFrom(definition.States, firstModelStep);

    // Assess
    const expected = pipelineSteps()
      .map((s) => s.step)
      .filter((s) => s !== 'Extract');
    // …then the run lock is given back (functions/run-lock.ts) and the run ends.
    expect(chain).toEqual([...expected, 'ReleaseRunLock']);
    expect(definition.States[chain.at(-1)!]!.Next).toBe('Published');
  });

  it('gives each handler its stages and the local run every stage but the scheduled-only ones', () => {
    // Assess
    expect(stagesOf('transform')).toEqual(['sentiment', 'transform']);
    expect(localStages).toEqual(pipelineStages.filter((s) => !('scheduledOnly' in s)).map((s) => s.name));
    expect(localStages.indexOf('sentiment')).toBeLessThan(localStages.indexOf('transform'));
  });
});

describe('the one run-id format', () => {
  const accepted = ['2026-11-23T06-00-00Z', 'run-1', 'a'.repeat(80)];
  const refused = ['2026-11-23T06:00:00Z', '-leading', 'a'.repeat(81), 'with/slash', ''];

  it('is accepted and refused alike by the schema, the handlers’ event and the publication', () => {
    // Act
    const verdicts = [...accepted, ...refused].map((id) => [
      runIdSchema.safeParse(id).success,
      runEventSchema.safeParse({ runId: id }).success,
      (() => {
        try {
          publicationPrefix(id);
          return true;
        } catch {
          return false;
        }
      })(),
    ]);

    // Assess
    expect(verdicts).toEqual([
      ...accepted.map(() => [true, true, true]),
      ...refused.map(() => [false, false, false]),
    ]);
  });
});
