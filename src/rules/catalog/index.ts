// The rule catalog. The CLI imports this module lazily (a separate chunk), so `phiguard --version` never loads it.
import type { Rule } from '../define.js';
import { BAK_RULES } from './bak/index.js';
import { CMP_RULES } from './cmp/index.js';
import { DAT_RULES } from './dat/index.js';
import { IAM_RULES } from './iam/index.js';
import { KV_RULES } from './kv/index.js';
import { LOG_RULES } from './log/index.js';
import { NET_RULES } from './net/index.js';
import { STG_RULES } from './stg/index.js';
import { TLS_RULES } from './tls/index.js';

export const RULES: readonly Rule[] = [
  ...STG_RULES,
  ...NET_RULES,
  ...IAM_RULES,
  ...TLS_RULES,
  ...LOG_RULES,
  ...BAK_RULES,
  ...KV_RULES,
  ...CMP_RULES,
  ...DAT_RULES,
];

export function findRule(id: string): Rule | undefined {
  const wanted = id.toUpperCase();
  return RULES.find((rule) => rule.id === wanted);
}
