import { App } from 'aws-cdk-lib';
import { buildApp } from '#infra/app.ts';
import type { DeploymentConfigInput } from '#infra/config/deployment-config.ts';
import { type CfnTemplate, type TemplateModel, templateModel } from './template-model.ts';

/**
 * Synthesize the stack from a deployment configuration (handlers not bundled: the rehearsal runs
 * their source) and read the template as the deployed account would hold it.
 */
export function synthesizeModel(config: DeploymentConfigInput, outdir?: string): TemplateModel {
  const app = new App({
    ...(outdir ? { outdir } : {}),
    context: { warehouse: config, 'aws:cdk:bundling-stacks': [] },
  });
  const { stack } = buildApp(app);
  const assembly = app.synth();
  const template = assembly.getStackByName(stack.stackName).template as CfnTemplate;
  return templateModel(template, stack.account, stack.region);
}

/** The logical id of the one function whose id starts with `prefix` (`PipelineTransformFunction`). */
export function functionNamed(model: TemplateModel, prefix: string) {
  const entry = [...model.functions()].find(([id]) => id.startsWith(prefix));
  if (!entry) throw new Error(`no function ${prefix} in the template`);
  return entry[1];
}
