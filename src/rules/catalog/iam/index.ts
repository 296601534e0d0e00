import type { Rule } from '../../define.js';
import iam001 from './PHI-IAM-001.js';
import iam002 from './PHI-IAM-002.js';
import iam003 from './PHI-IAM-003.js';
import iam004 from './PHI-IAM-004.js';
import iam005 from './PHI-IAM-005.js';
import iam006 from './PHI-IAM-006.js';
import iam007 from './PHI-IAM-007.js';
import iam008 from './PHI-IAM-008.js';

export const IAM_RULES: Rule[] = [iam001, iam002, iam003, iam004, iam005, iam006, iam007, iam008];
