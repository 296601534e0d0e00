import type { Rule } from '../../define.js';

export const TLS_RULES: Rule[] = [];
