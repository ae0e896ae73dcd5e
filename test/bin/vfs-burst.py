# A process whose syscall-path work a test knows exactly. Prints "ready"; on each SIGUSR1 it makes
# N getppid(2) calls, N one-byte read(2)s of /dev/zero, N one-byte write(2)s to /dev/null and N
# openat(2)s of PATH (each closed again), then prints "done".
# Usage: python3 test/bin/vfs-burst.py N PATH
import os
import signal
import sys

N = int(sys.argv[1])
PATH = sys.argv[2]
zero = os.open('/dev/zero', os.O_RDONLY)
null = os.open('/dev/null', os.O_WRONLY)


def burst(_sig, _frame):
    for _ in range(N):
        os.getppid()
    for _ in range(N):
        os.read(zero, 1)
    for _ in range(N):
        os.write(null, b'x')
    for _ in range(N):
        os.close(os.open(PATH, os.O_RDONLY))
    sys.stdout.write('done\n')
    sys.stdout.flush()


signal.signal(signal.SIGUSR1, burst)
sys.stdout.write('ready\n')
sys.stdout.flush()
while True:
    signal.pause()
