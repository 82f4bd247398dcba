"""The protocol and the instrumented barrier: events, sinks, the wire format, the shared-memory
rings, the event log, the drop-in Barrier and the small process utilities every source shares
(lifeline, timers, the run's outcome).  Imports nothing from engine but engine.files."""
