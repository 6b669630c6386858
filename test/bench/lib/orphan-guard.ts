/**
 * Preloaded (`--import`) into every bench child: when the driver dies without
 * cleaning up (kill -9), the child is re-parented, and it ends itself with a
 * SIGTERM so the hub still shuts down gracefully. Bench children therefore
 * never outlive the bench, whatever happens to the driver.
 */
const parent = process.ppid;
const timer = setInterval(() => {
  if (process.ppid !== parent) {
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }
}, 1000);
timer.unref();
