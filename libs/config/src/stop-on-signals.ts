/**
 * Closes the app once on SIGTERM or SIGINT, then exits. A stop often arrives twice (to the whole
 * process group and again from npm or the start script): the second signal must not cut the first
 * shutdown short, so it is ignored.
 */
export function stopOnSignals(close: () => Promise<void>): void {
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
