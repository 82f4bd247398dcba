"""The lanes: one painted row per party, the gate, prompts and failure banners."""
