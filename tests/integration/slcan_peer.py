#!/usr/bin/python3
"""An independent slcan peer for can_slcan_test.cpp: python-can's own slcan interface
(Debian's python3-can), on the other end of a pseudo-terminal. Run with /usr/bin/python3: the
pyenv python3 on the PATH does not see Debian's python3-* packages.

usage:
  slcan_peer.py CHANNEL receive N  print "rx III DATAHEX" for each of N frames, then "done"
  slcan_peer.py CHANNEL send       send 0x305 (8 x 00) and 0x307 ("\\x12\\x34\\x56\\x78VIC\\0")
                                   as a Victron GX does, print "sent", wait for a stdin line

It prints "ready" once the slcan bus is open (python-can has sent C/S6/O by then).
"""
import sys

import can


def main() -> int:
    channel, mode = sys.argv[1], sys.argv[2]
    bus = can.Bus(interface="slcan", channel=channel, bitrate=500000, sleep_after_open=0)
    print("ready", flush=True)
    try:
        if mode == "receive":
            want = int(sys.argv[3])
            for _ in range(want):
                msg = bus.recv(timeout=10)
                if msg is None:
                    print("timeout", flush=True)
                    return 1
                kind = "ext" if msg.is_extended_id else "std"
                print(f"rx {msg.arbitration_id:03X} {msg.data.hex().upper()} {kind}", flush=True)
            print("done", flush=True)
        elif mode == "send":
            bus.send(can.Message(arbitration_id=0x305, data=bytes(8), is_extended_id=False))
            ident = bytes([0x12, 0x34, 0x56, 0x78]) + b"VIC\x00"
            bus.send(can.Message(arbitration_id=0x307, data=ident, is_extended_id=False))
            print("sent", flush=True)
            sys.stdin.readline()
        else:
            print(f"unknown mode {mode}", flush=True)
            return 2
    finally:
        bus.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
