"""Where mpiexec is, where the event channel listens, and the command line that starts the ranks.

Why environment variables (with keyword overrides): the same settings must reach the CLI, the
GUI and tests without widening every command line, and a two-host set-up is a property of the
machine, not of a scenario.  See docs/mpi.md for a two-host run.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_MPIEXEC = "BARRIER_VIZ_MPIEXEC"  # path or name of mpiexec
ENV_HOSTFILE = "BARRIER_VIZ_MPI_HOSTFILE"  # a host file, passed as `-f FILE` (MPICH hydra)
ENV_ARGS = "BARRIER_VIZ_MPI_ARGS"  # extra mpiexec arguments, shell-quoted
ENV_PYTHON = "BARRIER_VIZ_MPI_PYTHON"  # the interpreter the ranks run (same path on every host)
ENV_BIND = "BARRIER_VIZ_MPI_BIND"  # address the event channel listens on
ENV_ADVERTISE = "BARRIER_VIZ_MPI_ADVERTISE"  # address the ranks connect to
ENV_PORT = "BARRIER_VIZ_MPI_PORT"  # fixed port for firewalls (default: any free port)
INSTALL_HINT = "pip install 'barrier-visualiser[mpi]' (mpi4py and the mpich wheel)"
ROOT = Path(__file__).resolve().parents[3]


class MpiUnavailable(ValueError):
    """The mpi backend cannot run here: one line naming what is missing and how to get it."""


@dataclass(frozen=True)
class MpiConfig:
    mpiexec: str
    python: str
    bind: str
    advertise: str
    port: int
    hostfile: str | None
    extra_args: tuple[str, ...]

    def command(self, ranks: int, channel: tuple[str, int]) -> list[str]:
        """The mpiexec command line: `-n N [-f hosts] [extra] python -m <rank module> …`."""
        hosts = ["-f", self.hostfile] if self.hostfile else []
        host, port = channel
        return [
            self.mpiexec,
            "-n",
            str(ranks),
            *hosts,
            *self.extra_args,
            self.python,
            "-m",
            "engine.sources.mpi.rank",
            "--connect",
            f"{host}:{port}",
        ]


def find_mpiexec(explicit: str | None = None) -> str:
    """mpiexec from `explicit`, $BARRIER_VIZ_MPIEXEC, next to this Python (the mpich wheel
    puts it in the venv's bin), or PATH; raise MpiUnavailable naming what is missing."""
    wanted = explicit or os.environ.get(ENV_MPIEXEC)
    if wanted:
        found = shutil.which(wanted)
        if found is None:
            raise MpiUnavailable(f"mpiexec not found: {wanted!r} (from {ENV_MPIEXEC})")
        return found
    beside = Path(sys.executable).parent / "mpiexec"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("mpiexec")
    if found is None:
        raise MpiUnavailable(f"the mpi backend needs mpiexec, which was not found: {INSTALL_HINT}")
    return found


def load_config(
    *,
    mpiexec: str | None = None,
    hostfile: str | None = None,
    bind: str | None = None,
    advertise: str | None = None,
    port: int | None = None,
) -> MpiConfig:
    """Settings from keywords, else the environment, else single-host defaults (loopback)."""
    env = os.environ
    found = find_mpiexec(mpiexec)
    python = env.get(ENV_PYTHON) or sys.executable
    if python == sys.executable and importlib.util.find_spec("mpi4py") is None:
        raise MpiUnavailable(
            f"the mpi backend needs mpi4py, which is not installed: {INSTALL_HINT}"
        )
    hosts = hostfile or env.get(ENV_HOSTFILE) or None
    if hosts is not None and not Path(hosts).is_file():
        raise MpiUnavailable(f"{ENV_HOSTFILE}: no such host file: {hosts}")
    # One host: loopback only.  Several: the one local address the other hosts are reached
    # from — never every interface, where anyone on any network could knock.
    chosen_bind = bind or env.get(ENV_BIND) or (reaching_address(hosts) if hosts else "")
    chosen_bind = chosen_bind or "127.0.0.1"
    default_advertise = _own_name() if chosen_bind in ("0.0.0.0", "::") else chosen_bind
    raw_port = port if port is not None else env.get(ENV_PORT, "0")
    try:
        chosen_port = int(raw_port)
    except ValueError:
        raise MpiUnavailable(f"{ENV_PORT} must be a port number, got {raw_port!r}") from None
    if not 0 <= chosen_port <= 65535:
        raise MpiUnavailable(f"{ENV_PORT} must be from 0 to 65535, got {chosen_port}")
    try:
        extra = tuple(shlex.split(env.get(ENV_ARGS, "")))
    except ValueError as exc:
        raise MpiUnavailable(f"{ENV_ARGS}: {exc}") from None
    return MpiConfig(
        mpiexec=found,
        python=python,
        bind=chosen_bind,
        advertise=advertise or env.get(ENV_ADVERTISE) or default_advertise,
        port=chosen_port,
        hostfile=hosts,
        extra_args=extra,
    )


def rank_environment(authkey_hex: str) -> dict[str, str]:
    """The environment mpiexec passes on to every rank (hydra forwards all of it by default).

    The authkey travels here, not on the command line, because any user can read another's
    command line (`ps`), but not its environment.
    """
    from engine.sources.mpi.protocol import AUTHKEY_ENV

    env = dict(os.environ)
    env[AUTHKEY_ENV] = authkey_hex
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _own_name() -> str:
    import socket

    return socket.getfqdn()


def host_names(hostfile: str) -> list[str]:
    """The hosts of an MPICH host file (`host[:ranks]` per line, `#` comments)."""
    names = []
    for line in Path(hostfile).read_text(encoding="utf-8", errors="replace").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            names.append(entry.split()[0].rsplit(":", 1)[0])
    return names


def reaching_address(hostfile: str) -> str:
    """The local IPv4 address this machine reaches the file's first other host from (no packet
    is sent: a UDP socket's connect only chooses the route); 127.0.0.1 if every host is this
    one.  Raise MpiUnavailable naming a host that cannot be resolved or reached."""
    import ipaddress
    import socket

    for name in host_names(hostfile):
        try:
            address = socket.gethostbyname(name)
        except OSError:
            raise MpiUnavailable(
                f"{ENV_HOSTFILE}: cannot resolve host {name!r}; set {ENV_BIND} to this "
                "machine's address on the ranks' network"
            ) from None
        if ipaddress.ip_address(address).is_loopback:
            continue
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.connect((address, 9))
                local: str = probe.getsockname()[0]
        except OSError:
            raise MpiUnavailable(
                f"{ENV_HOSTFILE}: no route to host {name!r} ({address}); set {ENV_BIND} to "
                "this machine's address on the ranks' network"
            ) from None
        return local
    return "127.0.0.1"
