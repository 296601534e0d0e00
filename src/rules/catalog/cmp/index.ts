import type { Rule } from '../../define.js';

export const CMP_RULES: Rule[] = [];
