// Bicep syntax tree. Every node keeps its source span (offsets into its file's text) so values can be located and
// unresolved values can carry the expression text as written.

export interface Span {
  start: number;
  end: number;
}

export type Expr =
  | (Span & { kind: 'string'; value: string })
  | (Span & { kind: 'interp'; parts: string[]; exprs: Expr[] })
  | (Span & { kind: 'number'; value: number })
  | (Span & { kind: 'bool'; value: boolean })
  | (Span & { kind: 'null' })
  | (Span & { kind: 'ident'; name: string })
  | (Span & { kind: 'object'; items: ObjectItem[]; resources: ResourceDecl[] })
  | (Span & { kind: 'array'; items: ArrayItem[] })
  | (Span & ForExpr)
  | (Span & { kind: 'if'; condition: Expr; body: Expr })
  | (Span & { kind: 'call'; name: string; target?: Expr; args: Expr[] })
  | (Span & { kind: 'member'; target: Expr; name: string; safe: boolean })
  | (Span & { kind: 'index'; target: Expr; index: Expr; safe: boolean })
  | (Span & { kind: 'child'; target: Expr; name: string })
  | (Span & { kind: 'nonNull'; target: Expr })
  | (Span & { kind: 'unary'; op: '!' | '-'; operand: Expr })
  | (Span & { kind: 'binary'; op: string; left: Expr; right: Expr })
  | (Span & { kind: 'ternary'; condition: Expr; then: Expr; else: Expr })
  | (Span & { kind: 'lambda'; params: string[]; body: Expr })
  | (Span & { kind: 'paren'; inner: Expr });

export interface ForExpr {
  kind: 'for';
  item?: string;
  index?: string;
  iterable: Expr;
  /** `[for x in xs: if (cond) {...}]` (resource and module loops). */
  condition?: Expr;
  body: Expr;
}

export type ObjectItem =
  | (Span & { kind: 'property'; key: string; keyExpr?: Expr; keyStart: number; value: Expr })
  | (Span & { kind: 'spread'; value: Expr });

export type ArrayItem = Expr | (Span & { kind: 'spread'; value: Expr });

export interface Decorator extends Span {
  /** Lower-cased, without a `sys.` / `az.` namespace. */
  name: string;
  args: Expr[];
}

export interface TypeInfo extends Span {
  /** `string?` or a type that admits null. */
  nullable: boolean;
  /** `resource 'type@version'` parameters and outputs. */
  resourceType?: string;
}

interface Declaration extends Span {
  decorators: Decorator[];
  name: string;
  nameStart: number;
}

export interface ParamDecl extends Declaration {
  kind: 'param';
  /** Absent in .bicepparam files. */
  type?: TypeInfo;
  value?: Expr;
}

export interface VarDecl extends Declaration {
  kind: 'var';
  value: Expr;
}

export interface ResourceDecl extends Declaration {
  kind: 'resource';
  /** The type string as written (`Microsoft.Storage/storageAccounts@2023-01-01`, or `containers` when nested). */
  type: string;
  typeStart: number;
  existing: boolean;
  /** An object, `if (...) {...}` or `[for ...: ...]`. */
  body: Expr;
}

export interface ModuleDecl extends Declaration {
  kind: 'module';
  path: string;
  pathStart: number;
  body: Expr;
}

export interface OutputDecl extends Declaration {
  kind: 'output';
  type?: TypeInfo;
  value: Expr;
}

export interface FuncDecl extends Declaration {
  kind: 'func';
  params: string[];
  body: Expr;
}

export interface TypeDecl extends Declaration {
  kind: 'type';
}

export interface ImportDecl extends Span {
  kind: 'import';
  /** `import { a, b as c } from '...'`: imported name -> local name. */
  names: { name: string; local: string }[];
  /** `import * as ns from '...'`. */
  namespace?: string;
  /** Absent for extension imports (`import 'az@1.0.0'`, `extension microsoftGraph`). */
  from?: string;
  fromStart: number;
}

export interface UsingDecl extends Span {
  kind: 'using' | 'extends';
  /** `using none` has no path. */
  path?: string;
  pathStart: number;
}

export interface TargetScopeDecl extends Span {
  kind: 'targetScope';
  value: Expr;
}

export interface OtherDecl extends Span {
  kind: 'metadata' | 'assert' | 'extension';
}

export type Statement =
  | ParamDecl
  | VarDecl
  | ResourceDecl
  | ModuleDecl
  | OutputDecl
  | FuncDecl
  | TypeDecl
  | ImportDecl
  | UsingDecl
  | TargetScopeDecl
  | OtherDecl;

export interface Program {
  statements: Statement[];
}
