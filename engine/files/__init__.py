"""Files in and out, safely: atomic writes that never leave a half-written file, bounded reads
of files we do not trust (regular files only, with a size cap), the one check every output
path passes before a run starts, and the app's own assets inside the package.  Imports nothing
else from engine, so every layer may use it."""
