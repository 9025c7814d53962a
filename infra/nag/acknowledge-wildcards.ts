import { Aspects, type IAspect, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

interface PolicyStatementJson {
  readonly Effect?: string;
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The AwsSolutions-IAM5 finding ids of a policy document, computed the way cdk-nag computes them. */
export function wildcardFindings(document: { Statement?: PolicyStatementJson[] }): string[] {
  const findings = new Set<string>();
  for (const statement of document.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of asArray(statement.Action))
      if (action.includes('*')) findings.add(`Action::${action}`);
    for (const resource of asArray(statement.Resource)) {
      const flat = flattenCfnReference(resource as never);
      if (flat.includes('*')) findings.add(`Resource::${flat}`);
    }
  }
  return [...findings].map((f) => `AwsSolutions-IAM5[${f}]`);
}

/**
 * Acknowledge every IAM5 (wildcard) finding of the policies attached under `scope`, with one
 * reason. cdk-nag 3 wants each finding acknowledged by its exact id, and the ids depend on the
 * final policy documents, so the acknowledgement is computed at synthesis (an aspect), after every
 * grant has been added. Call it next to the construct whose grants the reason explains.
 */
export function acknowledgeWildcards(scope: IConstruct, reason: string): void {
  const aspect: IAspect = {
    visit(node: IConstruct): void {
      if (!(node instanceof iam.CfnPolicy) && !(node instanceof iam.CfnRole)) return;
      const stack = Stack.of(node);
      const documents: { Statement?: PolicyStatementJson[] }[] = [];
      if (node instanceof iam.CfnPolicy) documents.push(stack.resolve(node.policyDocument));
      else
        for (const policy of asArray(stack.resolve(node.policies)) as { policyDocument: unknown }[])
          documents.push(stack.resolve(policy.policyDocument));
      for (const id of new Set(documents.flatMap(wildcardFindings)))
        Validations.of(node).acknowledge({ id, reason });
    },
  };
  Aspects.of(scope).add(aspect);
}
