"""The default source: one real process per party on a real multiprocessing.Barrier,
supervised by a pump thread in the app."""
