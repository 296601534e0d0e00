import type { Rule } from '../../define.js';

export const DAT_RULES: Rule[] = [];
