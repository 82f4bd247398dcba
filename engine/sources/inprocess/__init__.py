"""In-process event sources: the same scenario on `threading.Barrier` or `asyncio.Barrier`.

Why they live beside the process Runner rather than inside it: threads and tasks cannot be
killed and share one process, so their supervision is simpler (a queue instead of pipes and
sentinels) — but they emit the very same events, so the GUI and CLI cannot tell them apart.
Pick one with `engine.sources.factory.make_source`.
"""
