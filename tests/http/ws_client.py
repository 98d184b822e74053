#!/usr/bin/python3
"""WebSocket client for the HTTP face's tests and benchmark (Debian's python3-websockets).

  ws_client.py status URL [--token T]          subscribe to status, print 3 messages' data
  ws_client.py refused URL                     expect the upgrade to be refused, print status
  ws_client.py revoke URL --then CMD [--token T | --cookie C --origin O]
                                               subscribe to status, log and can; after the first
                                               message run CMD (it ends the credentials), then
                                               print "closed CODE after_ms=N messages_after=K"
                                               or "open messages_after=K" after 10 s
  ws_client.py fanout URL --token T --clients N --seconds S
                                               N clients on status; print p50/p99 lag of the
                                               arrival spread of each tick's message (ms)
"""
import argparse
import asyncio
import json
import statistics
import sys
import time

import websockets


def headers(args):
    h = {}
    if args.token:
        h["Authorization"] = "Bearer " + args.token
    if args.cookie:
        h["Cookie"] = args.cookie
    return h


def connect(args, **kw):
    return websockets.connect(args.url, extra_headers=headers(args), origin=args.origin or None,
                              open_timeout=30, **kw)


async def status(args):
    async with connect(args) as ws:
        await ws.send(json.dumps({"subscribe": ["status"]}))
        got = 0
        while got < 3:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if msg.get("stream") == "status":
                print(json.dumps(msg["data"], sort_keys=True))
                got += 1


async def refused(args):
    try:
        async with connect(args):
            print("accepted")
    except websockets.exceptions.InvalidStatusCode as e:
        print("refused", e.status_code)


async def revoke(args):
    import subprocess
    async with connect(args) as ws:
        await ws.send(json.dumps({"subscribe": ["status", "log", "can"]}))
        await asyncio.wait_for(ws.recv(), 20)
        # Run the command without blocking the loop (the socket keeps being read meanwhile).
        proc = await asyncio.create_subprocess_shell(args.then, stdout=subprocess.DEVNULL)
        await proc.wait()
        done = time.time()
        # What arrived while the command ran is already queued: not "after".
        while ws.messages:
            await ws.recv()
        after = 0
        try:
            while time.time() < done + 10:
                await asyncio.wait_for(ws.recv(), done + 10 - time.time())
                after += 1
        except websockets.exceptions.ConnectionClosed as e:
            print(f"closed {e.code} after_ms={(time.time() - done) * 1000:.0f} "
                  f"messages_after={after}")
            return
        except asyncio.TimeoutError:
            pass
        print(f"open messages_after={after}")


async def fanout(args):
    arrivals = {}

    async def client(i):
        async with connect(args, max_size=None) as ws:
            await ws.send(json.dumps({"subscribe": ["status"]}))
            end = time.time() + args.seconds
            while time.time() < end:
                msg = await asyncio.wait_for(ws.recv(), 10)
                t = time.time()
                key = hash(msg)
                arrivals.setdefault(key, []).append(t)

    await asyncio.gather(*(client(i) for i in range(args.clients)))
    lags = []
    for times in arrivals.values():
        if len(times) >= args.clients // 2:
            first = min(times)
            lags.extend((t - first) * 1000 for t in times)
    lags.sort()
    if not lags:
        print("no data")
        return
    p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]
    print(f"clients={args.clients} ticks={len(arrivals)} samples={len(lags)} "
          f"spread_p50_ms={p(0.5):.1f} spread_p99_ms={p(0.99):.1f} max_ms={lags[-1]:.1f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode")
    ap.add_argument("url")
    ap.add_argument("--token", default="")
    ap.add_argument("--cookie", default="")
    ap.add_argument("--origin", default="")
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--then", default="")
    args = ap.parse_args()
    asyncio.run({"status": status, "refused": refused, "revoke": revoke,
                 "fanout": fanout}[args.mode](args))


if __name__ == "__main__":
    sys.exit(main())
