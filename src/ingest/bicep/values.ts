// What Bicep expressions evaluate to: JSON values (with Unresolved), plus the handles Bicep has beyond JSON -
// resource and module symbols, lambdas - and, beside every value, where it originates.
import type { SourceLocation, Value } from '../../core/types.js';
import type { Expr, ModuleDecl, ResourceDecl } from './ast.js';
import type { Env, ModuleInstance, ResourceInstance, Scope } from './evaluate.js';

/**
 * Where a value originates, mirroring its shape: `kids` are keyed by lower-cased property name or array index.
 * `via` says how it arrived when it is not written in the resource itself (`parameter file`, `variable`...).
 */
export class Prov {
  constructor(
    readonly at: SourceLocation,
    readonly via?: string,
    public kids?: Map<string, Prov>,
  ) {}

  kid(key: string | number): Prov | undefined {
    return this.kids?.get(typeof key === 'number' ? String(key) : key.toLowerCase());
  }
}

/** One deployed (or `existing`) instance of a resource symbol. */
export class ResourceRef {
  constructor(readonly instance: ResourceInstance) {}
}

/** A looped resource symbol (`storage` in `storage[i].id`). */
export class ResourceCollection {
  constructor(
    readonly scope: Scope,
    readonly decl: ResourceDecl,
    readonly parent?: ResourceInstance,
  ) {}
}

export class ModuleRef {
  constructor(readonly instance: ModuleInstance) {}
}

export class ModuleCollection {
  constructor(
    readonly scope: Scope,
    readonly decl: ModuleDecl,
  ) {}
}

/** `mod.outputs`: outputs are evaluated one by one, on demand. */
export class ModuleOutputs {
  constructor(readonly instance: ModuleInstance) {}
}

export class Lambda {
  constructor(
    readonly params: string[],
    readonly body: Expr,
    readonly env: Env,
  ) {}
}

export type Handle = ResourceRef | ResourceCollection | ModuleRef | ModuleCollection | ModuleOutputs | Lambda;
export type Val = Value | Handle;

/** An evaluated value and its origin. */
export interface R {
  v: Val;
  p?: Prov;
}

export function isHandle(value: Val): value is Handle {
  return (
    value instanceof ResourceRef ||
    value instanceof ResourceCollection ||
    value instanceof ModuleRef ||
    value instanceof ModuleCollection ||
    value instanceof ModuleOutputs ||
    value instanceof Lambda
  );
}
