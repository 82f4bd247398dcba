"""MPI ranks as parties: the barrier is MPI's own, across processes and hosts.

`engine.sources.mpi.source.MpiRunner` is a `Source` (engine.sources.base) that can Stop and
Kill; `engine.sources.mpi.rank` is the program mpiexec runs on every rank.  Nothing here
imports mpi4py except the rank side, so the app runs without the optional extra `[mpi]`.  This
package file stays empty on purpose: a rank on another host imports it first and needs only the
standard library and mpi4py.  See docs/mpi.md.
"""
