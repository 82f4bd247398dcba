"""Processes that leave their parent's process group or were forked by hand: a setsid
daemon (double fork, as a service would) and a raw os.fork() child.  Each prints its pid.
With `--wait` the main process waits too (until it is stopped or its tracer dies)."""

import multiprocessing
import os
import sys
import time


def daemonize():
    os.setsid()
    if os.fork():
        os._exit(0)
    print(f"daemon {os.getpid()}", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    starter = multiprocessing.Process(target=daemonize)
    starter.start()
    starter.join()
    child = os.fork()
    if child == 0:
        print(f"forked {os.getpid()}", flush=True)
        time.sleep(600)
        os._exit(0)
    print("main ready", flush=True)
    if "--wait" in sys.argv:
        time.sleep(600)
