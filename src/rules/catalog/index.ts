// The rule catalog. The CLI imports this module lazily (a separate chunk), so `phiguard --version` never loads it.
import type { Rule } from '../define.js';
import { NET_RULES } from './net/index.js';
import { STG_RULES } from './stg/index.js';

export const RULES: readonly Rule[] = [...STG_RULES, ...NET_RULES];

export function findRule(id: string): Rule | undefined {
  const wanted = id.toUpperCase();
  return RULES.find((rule) => rule.id === wanted);
}
