import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { PipelineSource } from './warehouse-pipeline-props.ts';

export interface WarehouseSecretsProps {
  readonly key: kms.IKey;
  readonly hmacSecretName: string;
  readonly sourceSecretNames: Partial<Record<PipelineSource, string>>;
}

/**
 * Source credentials (set by an operator after the first deploy) and the HMAC key that
 * pseudonymises customer e-mails (generated here, never seen by anyone). Both kept on stack deletion:
 * losing the HMAC key breaks the join of every customer key with history.
 */
export class WarehouseSecrets extends Construct {
  readonly hmacKey: secretsmanager.Secret;
  readonly sources: Partial<Record<PipelineSource, secretsmanager.Secret>> = {};

  constructor(scope: Construct, id: string, props: WarehouseSecretsProps) {
    super(scope, id);
    this.hmacKey = new secretsmanager.Secret(this, 'HmacKey', {
      secretName: props.hmacSecretName,
      description: 'HMAC-SHA256 key for customer keys (pseudonymised e-mails)',
      encryptionKey: props.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.hmacKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the pseudonymisation key would change every customer key and break joins with history; it is rotated only by a planned re-keying.',
    });
    for (const [source, secretName] of Object.entries(props.sourceSecretNames) as [
      PipelineSource,
      string,
    ][]) {
      const secret = new secretsmanager.Secret(this, `Source-${source}`, {
        secretName,
        description: `API credentials of the ${source} source; set with aws secretsmanager put-secret-value`,
        encryptionKey: props.key,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: `The ${source} API token is issued by the vendor's admin console; Secrets Manager cannot rotate it.`,
      });
      this.sources[source] = secret;
    }
  }
}
