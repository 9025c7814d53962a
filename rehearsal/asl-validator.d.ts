/** asl-validator ships no types; the part the rehearsal uses. */
declare module 'asl-validator' {
  interface AslValidation {
    readonly isValid: boolean;
    readonly errors: unknown[];
    errorsText(separator?: string): string;
  }
  export default function aslValidator(definition: unknown): AslValidation;
}
