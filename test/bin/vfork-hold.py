#!/usr/bin/env python3
"""
Holds a process in vfork: on SIGUSR1 it posix_spawns /bin/true (glibc: clone with CLONE_VM and
CLONE_VFORK) with a file action that opens FIFO for reading, so the child blocks before its exec
and the parent waits in the kernel (state D, kernel_clone) until a writer opens the FIFO. That is
what a traced runc does for an instant when it starts runc init; a strace detaching then waits
for the parent to stop, which it cannot until the child has run on.

Usage: vfork-hold.py FIFO   (prints "ready"; after the spawn returns, prints "done")
"""
import os
import signal
import sys

fifo = sys.argv[1]
go = False


def on_usr1(_sig, _frame):
    global go
    go = True


signal.signal(signal.SIGUSR1, on_usr1)
print("ready", flush=True)
while not go:
    signal.pause()
pid = os.posix_spawn("/bin/true", ["true"], os.environ, file_actions=[(os.POSIX_SPAWN_OPEN, 0, fifo, os.O_RDONLY, 0)])
os.waitpid(pid, 0)
print("done", flush=True)
signal.pause()
