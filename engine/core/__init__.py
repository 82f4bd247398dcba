"""The protocol and the instrumented barrier: events, sinks, the wire format, the event log,
the drop-in Barrier and the small process utilities every source shares (lifeline, timers,
atomic writes, the run's outcome).  Imports nothing else from engine."""
