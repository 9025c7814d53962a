/**
 * The one stage list of a warehouse run. The local pipeline (`runPipeline`, what `warehouse run`
 * runs), the Lambda handlers (each runs the stages of its step) and the state machine's definition
 * (one task per step, in this order) are all built from it; tests hold each of them to it.
 */
export const pipelineStages = [
  { name: 'extract', step: 'Extract', handler: 'extract' },
  // Customer messages are scored before the models read them; same Lambda as the transform.
  { name: 'sentiment', step: 'Transform', handler: 'transform' },
  { name: 'transform', step: 'Transform', handler: 'transform' },
  { name: 'data-tests', step: 'DataTests', handler: 'data-tests' },
  { name: 'publish', step: 'Publish', handler: 'publish' },
  { name: 'sla-alerts', step: 'SlaAlerts', handler: 'sla-alerts' },
  // The scheduled run also applies retention; locally it is its own command (`warehouse retention`).
  { name: 'retention', step: 'Retention', handler: 'retention', scheduledOnly: true },
] as const satisfies readonly PipelineStage[];

export interface PipelineStage {
  readonly name: string;
  /** The state machine task (one Lambda invocation) that runs this stage. */
  readonly step: string;
  /** The handler file under `functions/`. */
  readonly handler: 'extract' | 'transform' | 'data-tests' | 'publish' | 'sla-alerts' | 'retention';
  readonly scheduledOnly?: boolean;
}

export type StageName = (typeof pipelineStages)[number]['name'];
export type StepName = (typeof pipelineStages)[number]['step'];
export type HandlerName = PipelineStage['handler'];

/** The state machine's steps in order, each with its handler and stages. */
export function pipelineSteps(): { step: StepName; handler: HandlerName; stages: StageName[] }[] {
  const steps: { step: StepName; handler: HandlerName; stages: StageName[] }[] = [];
  for (const stage of pipelineStages) {
    const last = steps.at(-1);
    if (last?.step === stage.step) last.stages.push(stage.name);
    else steps.push({ step: stage.step, handler: stage.handler, stages: [stage.name] });
  }
  return steps;
}

/** The stages `warehouse run` runs locally, in order. */
export const localStages: readonly StageName[] = pipelineStages
  .filter((s) => !('scheduledOnly' in s && s.scheduledOnly))
  .map((s) => s.name);

/** The stages of one handler, in order (the transform handler runs sentiment, then transform). */
export function stagesOf(handler: HandlerName): StageName[] {
  return pipelineStages.filter((s) => s.handler === handler).map((s) => s.name);
}
