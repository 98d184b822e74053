"""Integrity of the gateway's state directory, checked while no gateway runs (after every
kill -9, and after the final stop).

  config.json, config.json.last-good, energy.json, energy-periods.json, auth.json
      when present: parse as JSON objects (the atomic writer promises old or new, never a mix);
  energy.json
      the counters never go backwards from one check to the next (a kill may lose the last
      10 s of counting, never what was already saved);
  history.sqlite
      PRAGMA integrity_check is "ok", run on a copy of the database and its WAL (opening the
      original would recover the WAL and change what the next gateway start sees);
  *.corrupt*
      files the gateway moved aside because it found them corrupt (counted: each is a
      corruption the gateway noticed).
Leftover *.tmp files are reported, not counted as corruption: the writer reuses them.
"""
import json
import os
import shutil
import sqlite3
import tempfile

JSON_FILES = ["config.json", "config.json.last-good", "energy.json", "energy-periods.json",
              "auth.json"]


def check_state(state_dir, previous_energy=None):
    """A dict of findings; result["problems"] lists every broken promise."""
    out = {"problems": [], "files": {}, "tmp_files": [], "corrupt_files": []}
    names = sorted(os.listdir(state_dir))
    out["tmp_files"] = [n for n in names if n.endswith(".tmp")]
    out["corrupt_files"] = [n for n in names if ".corrupt" in n]
    for name in JSON_FILES:
        path = os.path.join(state_dir, name)
        if not os.path.exists(path):
            continue
        try:
            with open(path) as f:
                doc = json.load(f)
            ok = isinstance(doc, dict)
            out["files"][name] = "ok" if ok else "not an object"
            if not ok:
                out["problems"].append(f"{name}: not a JSON object")
            if name == "energy.json" and ok:
                out["energy"] = {k: doc.get(k) for k in ("wh_charged", "wh_discharged")}
        except (OSError, ValueError) as e:
            out["files"][name] = f"unreadable: {e}"
            out["problems"].append(f"{name}: {e}")
    energy = out.get("energy")
    if energy and previous_energy:
        for k in ("wh_charged", "wh_discharged"):
            a, b = previous_energy.get(k), energy.get(k)
            if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b + 1e-6 < a:
                out["problems"].append(f"energy.json {k} went back from {a} to {b}")
    out["history"] = _history_integrity(state_dir)
    if out["history"] not in ("ok", "absent"):
        out["problems"].append("history.sqlite: " + out["history"])
    return out


def _history_integrity(state_dir):
    db = os.path.join(state_dir, "history.sqlite")
    if not os.path.exists(db):
        return "absent"
    with tempfile.TemporaryDirectory(prefix="soak-db-") as tmp:
        for suffix in ("", "-wal"):
            if os.path.exists(db + suffix):
                shutil.copyfile(db + suffix, os.path.join(tmp, "h.sqlite" + suffix))
        try:
            con = sqlite3.connect(os.path.join(tmp, "h.sqlite"))
            rows = con.execute("PRAGMA integrity_check").fetchall()
            con.close()
        except sqlite3.DatabaseError as e:
            return f"cannot open: {e}"
        result = "; ".join(r[0] for r in rows)
        return "ok" if result == "ok" else result
