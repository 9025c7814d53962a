/**
 * A local interpreter of the Amazon States Language subset the stack's state machine uses, played
 * with the real handlers: Pass (Parameters, Result, ResultPath), Choice (StringEquals,
 * BooleanEquals, IsPresent, And/Or/Not, Default), Parallel and Map (branches run one after the
 * other: the handlers read their settings from process.env, which one process shares), Task with
 * Parameters, ResultSelector, ResultPath, OutputPath, Retry (with the back-off it would wait, on a
 * virtual clock: nothing sleeps) and Catch, Succeed and Fail. Loops are Choice states pointing back.
 */

export interface AslState {
  readonly Type: 'Pass' | 'Choice' | 'Parallel' | 'Map' | 'Task' | 'Succeed' | 'Fail' | 'Wait';
  readonly Next?: string;
  readonly End?: boolean;
  readonly Parameters?: unknown;
  readonly Result?: unknown;
  readonly ResultPath?: string | null;
  readonly ResultSelector?: unknown;
  readonly OutputPath?: string | null;
  readonly InputPath?: string | null;
  readonly Choices?: readonly Record<string, unknown>[];
  readonly Default?: string;
  readonly Branches?: readonly AslMachine[];
  readonly Iterator?: AslMachine;
  readonly ItemProcessor?: AslMachine;
  readonly ItemsPath?: string;
  readonly Resource?: string;
  readonly Retry?: readonly {
    ErrorEquals: string[];
    IntervalSeconds?: number;
    MaxAttempts?: number;
    BackoffRate?: number;
    MaxDelaySeconds?: number;
  }[];
  readonly Catch?: readonly { ErrorEquals: string[]; ResultPath?: string | null; Next: string }[];
  readonly Error?: string;
  readonly Cause?: string;
  readonly Seconds?: number;
}

export interface AslMachine {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

/** A failure as Step Functions names it: `Error` (the error's name) and `Cause`. */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
  }
}

/** What a Task's resource does; throw an Error whose `name` is the error Step Functions would see. */
export type TaskRunner = (resource: string, input: unknown, state: string) => Promise<unknown>;

export interface ExecutionEvent {
  readonly state: string;
  readonly type: 'entered' | 'retry' | 'caught' | 'succeeded' | 'failed';
  readonly detail?: string;
}

export interface ExecutionResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly events: ExecutionEvent[];
  /** State transitions, as Step Functions bills them. */
  readonly transitions: number;
  /** Seconds the retries would have waited (the virtual clock). */
  readonly waitedSeconds: number;
}

const get = (data: unknown, path: string, context: unknown): unknown => {
  const [root, rest] = path.startsWith('$$') ? [context, path.slice(2)] : [data, path.slice(1)];
  let value: unknown = root;
  for (const part of rest.split('.').filter(Boolean)) {
    if (value === null || typeof value !== 'object' || !(part in (value as object)))
      throw new StatesError('States.Runtime', `the JSONPath '${path}' could not be found in the input`);
    value = (value as Record<string, unknown>)[part];
  }
  return value;
};

const has = (data: unknown, path: string) => {
  try {
    get(data, path, {});
    return true;
  } catch {
    return false;
  }
};

function fill(template: unknown, data: unknown, context: unknown): unknown {
  if (Array.isArray(template)) return template.map((t) => fill(t, data, context));
  if (template === null || typeof template !== 'object') return template;
  return Object.fromEntries(
    Object.entries(template as Record<string, unknown>).map(([key, value]) =>
      key.endsWith('.$')
        ? [key.slice(0, -2), intrinsicOrPath(String(value), data, context)]
        : [key, fill(value, data, context)],
    ),
  );
}

function intrinsicOrPath(expression: string, data: unknown, context: unknown): unknown {
  if (expression.startsWith('$')) return get(data, expression, context);
  throw new StatesError('States.Runtime', `intrinsic ${expression} is not supported by the rehearsal`);
}

function setAt(data: unknown, path: string | null | undefined, value: unknown): unknown {
  if (path === null) return data;
  if (path === undefined || path === '$') return value;
  const parts = path.slice(2).split('.');
  const copy = structuredClone((data ?? {}) as Record<string, unknown>);
  let node: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) {
    node[part] = typeof node[part] === 'object' && node[part] !== null ? node[part] : {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
  return copy;
}

function matches(rule: Record<string, unknown>, data: unknown): boolean {
  if (Array.isArray(rule.And)) return (rule.And as Record<string, unknown>[]).every((r) => matches(r, data));
  if (Array.isArray(rule.Or)) return (rule.Or as Record<string, unknown>[]).some((r) => matches(r, data));
  if (rule.Not) return !matches(rule.Not as Record<string, unknown>, data);
  const variable = String(rule.Variable);
  if ('IsPresent' in rule) return has(data, variable) === rule.IsPresent;
  const value = get(data, variable, {});
  if ('StringEquals' in rule) return value === rule.StringEquals;
  if ('BooleanEquals' in rule) return value === rule.BooleanEquals;
  if ('NumericEquals' in rule) return value === rule.NumericEquals;
  throw new StatesError(
    'States.Runtime',
    `Choice rule ${JSON.stringify(rule)} is not supported by the rehearsal`,
  );
}

const errorMatches = (names: readonly string[], error: string) =>
  names.includes(error) || (names.includes('States.ALL') && error !== 'States.Runtime');

export async function runStateMachine(
  machine: AslMachine,
  input: unknown,
  options: {
    executionName: string;
    stateMachineArn?: string;
    runTask: TaskRunner;
    onEvent?: (e: ExecutionEvent) => void;
  },
): Promise<ExecutionResult> {
  const events: ExecutionEvent[] = [];
  let transitions = 0;
  let waitedSeconds = 0;
  const context = {
    Execution: {
      Id:
        `${options.stateMachineArn ?? 'arn:aws:states:::stateMachine:rehearsal'}`.replace(
          ':stateMachine:',
          ':execution:',
        ) + `:${options.executionName}`,
      Name: options.executionName,
      Input: input,
      StartTime: new Date().toISOString(),
    },
  };
  const emit = (event: ExecutionEvent) => {
    events.push(event);
    options.onEvent?.(event);
  };

  async function run(sub: AslMachine, data: unknown): Promise<unknown> {
    let name: string | undefined = sub.StartAt;
    let current = data;
    while (name) {
      const state: AslState | undefined = sub.States[name];
      if (!state) throw new StatesError('States.Runtime', `no state ${name}`);
      transitions++;
      emit({ state: name, type: 'entered' });
      const effective = state.InputPath ? get(current, state.InputPath, context) : current;
      let next: string | undefined = state.End ? undefined : state.Next;
      try {
        switch (state.Type) {
          case 'Pass': {
            const result =
              state.Parameters !== undefined
                ? fill(state.Parameters, effective, context)
                : (state.Result ?? effective);
            current = setAt(current, state.ResultPath, result);
            break;
          }
          case 'Choice': {
            const chosen = state.Choices?.find((rule) => matches(rule, current));
            next = chosen ? String(chosen.Next) : state.Default;
            if (!next) throw new StatesError('States.NoChoiceMatched', `no choice of ${name} matched`);
            break;
          }
          case 'Parallel': {
            const results: unknown[] = [];
            for (const branch of state.Branches ?? []) results.push(await run(branch, effective));
            current = setAt(current, state.ResultPath, select(state, results));
            break;
          }
          case 'Map': {
            const items = get(effective, state.ItemsPath ?? '$', context) as unknown[];
            const processor = state.ItemProcessor ?? state.Iterator!;
            const results: unknown[] = [];
            for (const item of items) results.push(await run(processor, item));
            current = setAt(current, state.ResultPath, select(state, results));
            break;
          }
          case 'Task': {
            const parameters =
              state.Parameters !== undefined ? fill(state.Parameters, effective, context) : effective;
            const result = await withRetry(name, state, () =>
              options.runTask(state.Resource!, parameters, name!),
            );
            current = setAt(current, state.ResultPath, select(state, result));
            break;
          }
          case 'Wait':
            waitedSeconds += state.Seconds ?? 0;
            break;
          case 'Succeed':
            emit({ state: name, type: 'succeeded' });
            return current;
          case 'Fail':
            throw new StatesError(state.Error ?? 'States.Fail', state.Cause ?? '');
        }
        if (state.OutputPath) current = get(current, state.OutputPath, context);
      } catch (thrown) {
        const error = asStatesError(thrown);
        const handler = state.Catch?.find((c) => errorMatches(c.ErrorEquals, error.error));
        if (!handler || state.Type === 'Fail') throw error;
        emit({ state: name, type: 'caught', detail: `${error.error}: ${error.cause}` });
        current = setAt(current, handler.ResultPath, { Error: error.error, Cause: error.cause });
        next = handler.Next;
      }
      if (!next) return current;
      name = next;
    }
    return current;
  }

  function select(state: AslState, result: unknown): unknown {
    return state.ResultSelector !== undefined ? fill(state.ResultSelector, result, context) : result;
  }

  async function withRetry(name: string, state: AslState, work: () => Promise<unknown>): Promise<unknown> {
    const attempts = new Map<number, number>();
    for (;;) {
      try {
        return await work();
      } catch (thrown) {
        const error = asStatesError(thrown);
        const index = (state.Retry ?? []).findIndex((r) => errorMatches(r.ErrorEquals, error.error));
        const rule = state.Retry?.[index];
        const made = attempts.get(index) ?? 0;
        if (!rule || made >= (rule.MaxAttempts ?? 3)) throw error;
        attempts.set(index, made + 1);
        const wait = Math.min(
          (rule.IntervalSeconds ?? 1) * (rule.BackoffRate ?? 2) ** made,
          rule.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
        );
        waitedSeconds += wait;
        emit({ state: name, type: 'retry', detail: `${error.error} (attempt ${made + 2}, after ${wait} s)` });
      }
    }
  }

  try {
    const output = await run(machine, input);
    return { status: 'SUCCEEDED', output, events, transitions, waitedSeconds };
  } catch (thrown) {
    const error = asStatesError(thrown);
    emit({ state: '(execution)', type: 'failed', detail: `${error.error}: ${error.cause}` });
    return { status: 'FAILED', error: error.error, cause: error.cause, events, transitions, waitedSeconds };
  }
}

function asStatesError(thrown: unknown): StatesError {
  if (thrown instanceof StatesError) return thrown;
  const error = thrown as Error;
  return new StatesError(error?.name ?? 'Error', error?.message ?? String(thrown));
}
