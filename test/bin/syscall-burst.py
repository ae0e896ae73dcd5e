# A process whose syscalls a test knows exactly. Prints "ready"; on each SIGUSR1 it makes N
# getppid(2) calls, then N short sleeps (one voluntary context switch each), then prints "done".
# Usage: python3 test/bin/syscall-burst.py N
import os
import signal
import sys
import time

N = int(sys.argv[1])


def burst(_sig, _frame):
    for _ in range(N):
        os.getppid()
    for _ in range(N):
        time.sleep(0.0005)
    sys.stdout.write('done\n')
    sys.stdout.flush()


signal.signal(signal.SIGUSR1, burst)
sys.stdout.write('ready\n')
sys.stdout.flush()
while True:
    signal.pause()
