"""Where events come from: real processes, threads, asyncio tasks, MPI ranks, a traced
program or a replayed log, all behind one source interface (engine.sources.base)."""
