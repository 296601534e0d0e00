// Entry point. `--version` answers before anything else is loaded (W4: start-up within 1.2x of a bare Node
// process); every command lives in a lazily imported chunk.
declare const __PHIGUARD_VERSION__: string;

// `phiguard ... | head` closes the pipe early; that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${__PHIGUARD_VERSION__}\n`);
} else {
  const { main } = await import('./program.js');
  process.exitCode = await main(args, __PHIGUARD_VERSION__);
}
