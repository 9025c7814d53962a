import type { Row } from '#src/engines/query-engine.ts';
import type { PlannedAccess } from '#src/governance/access/check-plan.ts';
import type { Role } from '#src/governance/access/role.ts';
import type { RoleBudget } from './role-budget.ts';

/** What the host sends the sandbox process: one statement of one role. */
export interface SandboxRequest {
  readonly id: number;
  readonly database: string;
  readonly allowedDirectories: readonly string[];
  readonly budget: RoleBudget;
  readonly role: Role;
  readonly sql: string;
  /** Folder the sandbox spills into; the host removes it when the process ends, killed or not. */
  readonly tempRoot?: string;
}

/** What the sandbox process answers; `killed` is the host's own verdict when the process died. */
export type SandboxReply =
  | {
      readonly kind: 'ok';
      readonly id: number;
      readonly columns: readonly string[];
      readonly rows: readonly Row[];
      readonly truncated: boolean;
      readonly access: PlannedAccess;
      readonly ms: number;
    }
  | {
      readonly kind: 'denied';
      readonly id: number;
      readonly message: string;
      readonly rule: string;
      readonly table?: string;
      readonly column?: string;
    }
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly error: string;
      readonly message: string;
      /** The budget that stopped it, when one did. */
      readonly budget?: 'time' | 'memory';
      readonly access?: PlannedAccess;
      readonly ms: number;
    }
  | {
      readonly kind: 'killed';
      readonly id: number;
      readonly reason: 'time' | 'memory' | 'crash';
      readonly message: string;
      readonly access?: PlannedAccess;
      readonly ms: number;
    };
