import type { Rule } from '../../define.js';

export const KV_RULES: Rule[] = [];
