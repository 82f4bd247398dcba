"""Trace an unmodified Python program that uses `multiprocessing.Barrier`.

How (details in engine.sources.tracer.child and engine.sources.tracer.bootstrap):

1. `TraceRunner` (engine.sources.tracer.runner) listens on a private unix socket and starts
   `python -m engine.sources.tracer.bootstrap SCRIPT ARGS…` in its own session, with the socket's
   address and an auth key in the environment and stdout/stderr on pipes.
2. The bootstrap patches `multiprocessing` (the `Barrier` factory of every context, and
   `Process.start` / `Process._bootstrap`), connects, then runs SCRIPT as `__main__` with
   `runpy.run_path` — the program itself is not changed.
3. Every child process, whatever the start method, connects too: fork children inherit the
   patched `_bootstrap`; spawn and forkserver children unpickle a small hook that `start()`
   attached to the Process, whose unpickling re-installs the patches before `_bootstrap` runs.
   Each child hands the tracer its own stdout/stderr pipes (SCM_RIGHTS), so every output line
   is attributed to its process while the bytes are echoed unchanged.
4. Barrier events come from `engine.core.barrier.InstrumentedBarrier` (the drop-in used by our own
   runs), so a traced program emits exactly the events a preset does.
"""
