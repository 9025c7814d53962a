import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { deploymentConfigFromContext } from '#infra/config/deployment-config.ts';
import { WarehouseStack } from '#infra/warehouse-stack.ts';

/**
 * Build the CDK app: the configuration is parsed once (an invalid one stops here with the field
 * named), then one stack, checked by the cdk-nag AwsSolutions and Serverless packs at synthesis.
 */
export function buildApp(app: App = new App()): { app: App; stack: WarehouseStack } {
  const config = deploymentConfigFromContext((key) => app.node.tryGetContext(key));
  const stack = new WarehouseStack(app, `${pascal(config.name)}Warehouse`, { config });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

if (process.argv[1]?.endsWith('app.ts')) {
  const { app } = buildApp();
  app.synth();
}
