import type { Rule } from '../../define.js';

export const STG_RULES: Rule[] = [];
