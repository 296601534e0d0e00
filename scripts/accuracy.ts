// `npm run accuracy`: file-level (and line-level) agreement with the KICS corpus per rule and per input format.
import { formatReport, scoreCorpus } from '../test/accuracy/harness.js';

const results = await scoreCorpus();
console.log(formatReport(results));
