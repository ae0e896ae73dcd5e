# A process that makes one slow syscall that is not a wait: munmap(2) of 1 GiB it has touched
# (the kernel frees 262 144 pages: tens of milliseconds). Prints "ready"; on SIGUSR1 it unmaps,
# prints "done", and waits to be killed.
# Usage: python3 test/bin/slow-munmap.py
import mmap
import signal
import sys

SIZE = 1 << 30
m = mmap.mmap(-1, SIZE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
for off in range(0, SIZE, mmap.PAGESIZE):
    m[off] = 1


def unmap(_sig, _frame):
    m.close()
    sys.stdout.write('done\n')
    sys.stdout.flush()


signal.signal(signal.SIGUSR1, unmap)
sys.stdout.write('ready\n')
sys.stdout.flush()
while True:
    signal.pause()
