"""What the gateway's own log says over the soak (RUN/gw-*.err, lines time-stamped by the rig).

  critical lines   the gateway refusing its own decision or similar: must never happen;
  MQTT             after every broker restart the gateway must be connected again within
                   MQTT_BACK_MAX_S (its reconnect back-off doubles up to 60 s, with jitter);
  counts           link losses, CAN withdrawals, errors by kind (the first words of the line),
                   for the report.
"""
import glob
import os
import re

MQTT_BACK_MAX_S = 70.0
_LEVEL = re.compile(r"^\S+ (trace|debug|info|warning|error|critical)\s+(.*)$")


def read_gateway_log(run_dir):
    """[(unix_s, level, text)] of every gateway process, by time."""
    out = []
    for path in glob.glob(os.path.join(run_dir, "gw-*.err")):
        with open(path, errors="replace") as f:
            for line in f:
                stamp, _, rest = line.rstrip("\n").partition(" ")
                m = _LEVEL.match(rest)
                try:
                    t = float(stamp)
                except ValueError:
                    continue
                out.append((t, m.group(1) if m else "", m.group(2) if m else rest))
    out.sort()
    return out


def summarise(run_dir, broker_starts, run_end):
    log = read_gateway_log(run_dir)
    connected = [t for t, _, s in log if s.startswith("mqtt: connected")]
    back = []
    not_back = []
    for t in broker_starts:
        later = [c for c in connected if c >= t]
        if later and later[0] - t <= MQTT_BACK_MAX_S:
            back.append(later[0] - t)
        elif t + MQTT_BACK_MAX_S < run_end:
            not_back.append(round(t, 3))
    errors = {}
    for _, level, text in log:
        if level in ("error", "critical"):
            key = " ".join(re.sub(r"/\S+", "PATH", text).split()[:6])
            errors[key] = errors.get(key, 0) + 1
    return {
        "critical_lines": [s for _, level, s in log if level == "critical"][:10],
        "critical": sum(1 for _, level, _ in log if level == "critical"),
        "link_lost": sum(1 for _, _, s in log if s.startswith("TinyBMS link lost")),
        "can_withdrawn": sum(1 for _, _, s in log if s.startswith("CAN limits withdrawn")),
        "mqtt_broker_restarts": len(broker_starts),
        "mqtt_back_max_s": round(max(back), 2) if back else None,
        "mqtt_not_back": not_back,
        "errors_by_kind": dict(sorted(errors.items(), key=lambda kv: -kv[1])[:12]),
    }
