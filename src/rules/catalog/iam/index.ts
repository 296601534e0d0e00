import type { Rule } from '../../define.js';

export const IAM_RULES: Rule[] = [];
