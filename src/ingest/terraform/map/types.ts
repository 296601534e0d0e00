// The contract of one azurerm/azuread resource type's translation into the canonical ARM shape.
import type { SourceLocation, ValueObject } from '../../../core/types.js';
import type { IngestDiagnostic } from '../../types.js';
import type { ProviderVersion } from '../providers.js';
import type { Builder, View } from './builder.js';

export interface IdContext {
  /** The id of a managed resource of `type` whose `name` is `name` in the scan (storage_account_name lookups). */
  findId(type: string, name: string): string | undefined;
}

export interface MapContext extends IdContext {
  version: ProviderVersion;
  address: string;
  at: SourceLocation;
  file: string;
  /** The id this resource was given (the same one references see). */
  id: string;
  /** Adds another canonical resource derived from this one (blobServices/default, a TDE child...). */
  child(init: { id: string; type: string; name: string; address?: string; scope?: string }): Builder;
  diagnostic(diagnostic: Omit<IngestDiagnostic, 'file'> & { file?: string }): void;
}

/** A resource type that becomes a canonical resource of its own. */
export interface Mapping {
  kind?: 'resource';
  /** Canonical ARM (or Graph) type; a function when the arguments decide it. */
  type: string | ((values: ValueObject) => string);
  /** The ARM id from the arguments; undefined when the name is unknown (then `terraform://<address>`). */
  id(values: ValueObject, context: IdContext): string | undefined;
  /** For extension resources (diagnostic settings, role assignments): the id of the resource extended. */
  scope?(values: ValueObject): string | undefined;
  /**
   * Attributes the provider computes that references read: vault_uri, versionless_id... An `id` here replaces the
   * ARM id for references only (a key's `id` is its versioned URI, not its ARM id).
   */
  computed?(values: ValueObject, id: string): ValueObject;
  map(tf: View, out: Builder, context: MapContext): void;
}

/**
 * A resource type that changes another resource instead of standing alone: `azurerm_storage_account_customer_managed_key`
 * sets the account's encryption (ARCHITECTURE.md), an NSG association attaches the NSG to a subnet.
 */
export interface Patch {
  kind: 'patch';
  /** The target resource's id (as the target's own mapping builds it). */
  target(values: ValueObject, context: IdContext): string | undefined;
  /** What the target is, for the diagnostic when it is not in the scan. */
  targetType: string;
  apply(tf: View, target: Builder, context: MapContext): void;
}

export type TypeMapping = Mapping | Patch;
