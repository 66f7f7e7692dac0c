"""Workload of the dcp-python test image.

A dict of 5000 random entries and a counter kept in memory; every 200 ms it prints the counter and
a checksum of the dict (a restarted program would draw other values). A file opened once at start
stays open; when /tmp/poke appears, the program appends a line to it and reads the whole file back
through the same descriptor.
"""
import os
import random
import sys
import time
import zlib

state = {"key-%d" % i: random.random() for i in range(5000)}


def checksum():
    return "%08x" % zlib.crc32(repr(sorted(state.items())).encode())


f = open(sys.argv[1] if len(sys.argv) > 1 else "/tmp/state.txt", "w+")
f.write("opened by pid %d sum %s\n" % (os.getpid(), checksum()))
f.flush()
tick = 0
while True:
    tick += 1
    print("tick %d state %s entries %d" % (tick, checksum(), len(state)), flush=True)
    try:
        os.remove("/tmp/poke")
    except FileNotFoundError:
        pass
    else:
        f.seek(0, os.SEEK_END)
        f.write("poked at tick %d\n" % tick)
        f.flush()
        f.seek(0)
        print("file " + f.read().strip().replace("\n", "|"), flush=True)
    time.sleep(0.2)
