// The CLI run from source (no bundle), for tests that spawn it: they need no build step, so they cannot race a
// build another test file runs at the same time. Spawned from the repository root (so `--import tsx` resolves),
// it moves to PHIGUARD_TEST_CWD first, the directory the test scans from.
import { main } from '../../src/cli/program.js';

if (process.env.PHIGUARD_TEST_CWD) process.chdir(process.env.PHIGUARD_TEST_CWD);
process.exitCode = await main(process.argv.slice(2), '0.0.0-test');
