import { Aspects, type IAspect, type Stack, Validations } from 'aws-cdk-lib';
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
 * One IAM wildcard that a person reviewed and accepted, with the reason. Written by hand in
 * `wildcard-acknowledgements.ts`; a wildcard that no entry names stays a cdk-nag error, so the
 * synthesis fails until someone adds it here with its reason.
 */
export interface WildcardAcknowledgement {
  /**
   * The constructs whose policies may hold it: their path below the stack, `*` matching any
   * characters within one path segment (`Pipeline/Extract*Role`).
   */
  readonly principal: string;
  /**
   * The finding exactly as cdk-nag names it inside `AwsSolutions-IAM5[…]`, with each logical id
   * written without its 8-character hash suffix (`Resource::<StorageRaw.Arn>/*`), the stack's
   * account and region as `<AWS::AccountId>` and `<AWS::Region>`, and `{name}` for a name the
   * deployment chooses (the database). Anything else must match exactly: `*` is a literal star.
   */
  readonly finding: string;
  readonly reason: string;
}

/**
 * A finding as the list writes it: logical ids without their 8-hex-digit hash suffix
 * (`<LogicalIdABCD1234.Arn>` → `<LogicalId.Arn>`, `"Ref":"IdABCD1234"` → `"Ref":"Id"`), and the
 * stack's own account and region as `<AWS::AccountId>` and `<AWS::Region>`.
 */
export function normaliseFinding(finding: string, env: { account?: string; region?: string } = {}): string {
  let out = finding
    .replace(/<([A-Za-z0-9]+?)[0-9A-F]{8}(\.[A-Za-z.]+)?>/g, '<$1$2>')
    .replace(/"Ref":"([A-Za-z0-9]+?)[0-9A-F]{8}"/g, '"Ref":"$1"');
  if (env.account && /^\d{12}$/.test(env.account))
    out = out.split(`:${env.account}:`).join(':<AWS::AccountId>:');
  if (env.region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(env.region))
    out = out.split(`:${env.region}:`).join(':<AWS::Region>:');
  return out;
}

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
const principalPattern = (glob: string) =>
  new RegExp(`^${glob.split('*').map(escapeRegExp).join('[^/]*')}(/.*)?$`);
/** In a finding, `{name}` stands for one name the deployment chooses (the database): `[^/:]+`. */
const findingPattern = (finding: string) =>
  new RegExp(
    `^${finding
      .split(/\{[a-z]+\}/)
      .map(escapeRegExp)
      .join('[^/:*]+')}$`,
  );

/** The entry that acknowledges `finding` (an IAM5 id) in a policy at `path` (below the stack), if any. */
export function acknowledgementFor(
  list: readonly WildcardAcknowledgement[],
  path: string,
  finding: string,
  env: { account?: string; region?: string } = {},
): WildcardAcknowledgement | undefined {
  const inner = normaliseFinding(finding.replace(/^AwsSolutions-IAM5\[/, '').replace(/\]$/, ''), env);
  return list.find(
    (entry) => findingPattern(entry.finding).test(inner) && principalPattern(entry.principal).test(path),
  );
}

/**
 * Acknowledge the IAM5 (wildcard) findings of every policy under `stack` that an entry of `list`
 * names, with that entry's reason; leave every other one to fail the synthesis. cdk-nag 3 wants
 * each finding acknowledged by its exact id, and the ids depend on the final policy documents, so
 * this runs at synthesis (an aspect), after every grant has been added. `used` collects the
 * entries that matched, so a test can find entries that no longer match anything.
 */
export function acknowledgeListedWildcards(
  stack: Stack,
  list: readonly WildcardAcknowledgement[],
  used: Set<WildcardAcknowledgement> = new Set(),
): Set<WildcardAcknowledgement> {
  const aspect: IAspect = {
    visit(node: IConstruct): void {
      if (!(node instanceof iam.CfnPolicy) && !(node instanceof iam.CfnRole)) return;
      const documents: { Statement?: PolicyStatementJson[] }[] = [];
      if (node instanceof iam.CfnPolicy) documents.push(stack.resolve(node.policyDocument));
      else
        for (const policy of asArray(stack.resolve(node.policies)) as { policyDocument: unknown }[])
          documents.push(stack.resolve(policy.policyDocument));
      const path = node.node.path.slice(stack.node.path.length + 1);
      for (const id of new Set(documents.flatMap(wildcardFindings))) {
        const entry = acknowledgementFor(list, path, id, { account: stack.account, region: stack.region });
        if (!entry) continue;
        used.add(entry);
        Validations.of(node).acknowledge({ id, reason: entry.reason });
      }
    },
  };
  Aspects.of(stack).add(aspect);
  return used;
}
