#!/usr/bin/python3
"""A Venus OS consumer of com.victronenergy.battery.* written to the rules of
spec/venus-dbus.md (what velib's DbusMonitor, systemcalc and the GUI rely on), for the D-Bus tests.

Run inside `dbus-run-session` (the gateway then uses the session bus, as velib does):
    venus_consumer.py SCENARIO GATEWAY_BIN SIM_BIN STATE_DIR
Scenarios: scan, instance, second, stale, restart, and installed (the Venus OS install made by
scripts/test-arm-gateway.sh: GATEWAY_BIN is the installed service/run, STATE_DIR the port link).
Prints "ok: ..." lines and exits 0, or prints "FAIL: ..." and exits 1. Every wait has a deadline (no timing thresholds are asserted).
"""

import os
import signal
import subprocess
import sys
import time

import dbus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

BUSITEM = 'com.victronenergy.BusItem'
PREFIX = 'com.victronenergy.battery.'
HERE = os.path.dirname(os.path.abspath(__file__))


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    print('ok:', what, flush=True)


def is_invalid(v):
    """velib's None: an empty array (the gateway sends an empty int32 array)."""
    return isinstance(v, dbus.Array) and len(v) == 0


class Consumer:
    """DbusMonitor's rules: scan once at NameOwnerChanged with GetItems, then follow
    ItemsChanged and PropertiesChanged."""

    def __init__(self, bus):
        self.bus = bus
        self.service = None
        self.owner = None
        self.items = {}
        self.scans = 0
        self.items_changed = []  # (time, dict)
        self.props_changed = []  # (path, dict)
        self.vanished = False
        bus.add_signal_receiver(self.on_owner, signal_name='NameOwnerChanged',
                                dbus_interface='org.freedesktop.DBus')
        bus.add_signal_receiver(self.on_items, signal_name='ItemsChanged',
                                dbus_interface=BUSITEM, path='/', sender_keyword='sender')
        bus.add_signal_receiver(self.on_props, signal_name='PropertiesChanged',
                                dbus_interface=BUSITEM, path_keyword='path',
                                sender_keyword='sender')

    def on_owner(self, name, old, new):
        if not name.startswith(PREFIX):
            return
        if new:
            self.service, self.owner = str(name), str(new)
            reply = self.bus.get_object(name, '/').GetItems(dbus_interface=BUSITEM)
            self.items = {str(p): v['Value'] for p, v in reply.items()}
            self.texts = {str(p): str(v['Text']) for p, v in reply.items()}
            self.scans += 1
        elif name == self.service:
            self.vanished = True

    def on_items(self, changes, sender=None):
        if sender != self.owner:
            return
        self.items_changed.append((time.monotonic(), changes))
        for p, v in changes.items():
            self.items[str(p)] = v['Value']

    def on_props(self, changes, path=None, sender=None):
        if sender != self.owner:
            return
        self.props_changed.append((str(path), changes))
        self.items[str(path)] = changes['Value']

    def call(self, path, method, *args):
        return getattr(self.bus.get_object(self.service, path), method)(*args,
                                                                        dbus_interface=BUSITEM)


def spin_until(pred, timeout_s):
    ctx = GLib.MainContext.default()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        while ctx.pending():
            ctx.iteration(False)
        if pred():
            return True
        time.sleep(0.02)
    return pred()


def spin_for(seconds):
    spin_until(lambda: False, seconds)


def start_settings(*seed, env=None):
    p = subprocess.Popen(['/usr/bin/python3', os.path.join(HERE, 'mock_settings.py'), *seed],
                         stdout=subprocess.PIPE, text=True, env=env)
    check(p.stdout.readline().strip() == 'settings ready', 'com.victronenergy.settings started')
    return p


def start_gateway(gw, state, *extra, env=None):
    args = [gw, '--simulate', '--dbus', '--state-dir', state, '--poll-interval-ms', '300',
            '--http', '', *extra]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=env)


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return p.returncode


def scenario_scan(bus, gw, sim, state):
    settings = start_settings()
    c = Consumer(bus)
    g = start_gateway(gw, state, '--sim-cells', '8', '--sim-current', '-20')
    try:
        check(spin_until(lambda: c.scans == 1, 30), 'the battery service appeared and was scanned')
        it = c.items
        check(isinstance(it.get('/DeviceInstance'), dbus.Int32) and it['/DeviceInstance'] == 512,
              '/DeviceInstance is int32 512 at the scan (registered after every path existed)')
        check(it['/ProductId'] == 0xFFFF and c.texts['/ProductId'] == '0xFFFF', '/ProductId 0xFFFF')
        check(it['/Connected'] == 1 and isinstance(it['/Connected'], dbus.Int32), '/Connected = 1')
        for p in ('/Mgmt/ProcessName', '/Mgmt/ProcessVersion', '/Mgmt/Connection', '/ProductName',
                  '/FirmwareVersion', '/Serial'):
            check(isinstance(it[p], dbus.String) and len(it[p]) > 0, p + ' is a non-empty string')
        for p in ('/Dc/0/Voltage', '/Dc/0/Current', '/Dc/0/Power', '/Soc',
                  '/Info/MaxChargeVoltage', '/Info/MaxChargeCurrent', '/Info/MaxDischargeCurrent',
                  '/Info/BatteryLowVoltage', '/System/MinCellVoltage', '/Voltages/Cell8'):
            check(isinstance(it[p], dbus.Double), p + ' is a double')
        check(it['/Dc/0/Current'] < 0, 'discharge current is negative (positive = charging)')
        check(it['/Info/MaxChargeVoltage'] > 0, 'the service is a BMS for DVCC (CVL valid)')
        check(is_invalid(it['/Voltages/Cell9']) and c.texts['/Voltages/Cell9'] == '---',
              'a cell that does not exist is invalid (empty array, text ---)')
        check(isinstance(it['/Alarms/BmsCable'], dbus.Int32) and it['/Alarms/BmsCable'] == 0,
              '/Alarms/BmsCable is int32 0')
        check(c.call('/Dc/0/Voltage', 'GetText').endswith('V'), 'GetText has the unit')
        node = c.call('/Dc/0', 'GetValue')
        check(set(node.keys()) >= {'Voltage', 'Current', 'Power'}, 'a node returns its sub-tree')
        xml = bus.get_object(c.service, '/').Introspect(
            dbus_interface='org.freedesktop.DBus.Introspectable')
        check('<node name="Dc"/>' in xml and '<node name="Info"/>' in xml, 'Introspect lists children')

        # Signals: one ItemsChanged per cycle, changed values only.
        known = dict(c.items)
        c.items_changed.clear()
        check(spin_until(lambda: len(c.items_changed) >= 3, 20), 'ItemsChanged signals arrive')
        first = c.items_changed[0][1]
        check(0 < len(first) < len(known) // 2, 'ItemsChanged carries changed values only (%d of %d)'
              % (len(first), len(known)))
        check(all(known.get(str(p)) != v['Value'] for p, v in first.items()),
              'every value in the first ItemsChanged differs from the scanned one')

        # Bad input.
        check(c.call('/Dc/0/Voltage', 'SetValue', dbus.Double(1.0, variant_level=1)) == 1,
              'SetValue on a read-only path returns 1')
        check(c.call('/CustomName', 'SetValue', dbus.Int32(3, variant_level=1)) == 1,
              'SetValue with a wrong type returns 1')
        check(c.call('/CustomName', 'SetValue', dbus.String('House bank', variant_level=1)) == 0,
              'SetValue /CustomName is accepted')
        check(spin_until(lambda: any(p == '/CustomName' for p, _ in c.props_changed), 10),
              'PropertiesChanged follows the accepted write')
        check(c.call('/CustomName', 'GetValue') == 'House bank', 'the new name reads back')
        stored = bus.get_object('com.victronenergy.settings', '/Settings/Devices/' +
                                c.service[len(PREFIX):] + '/CustomName').GetValue(
            dbus_interface=BUSITEM)
        check(stored == 'House bank', 'the name is persisted in com.victronenergy.settings')

        check(stop(g) == 0, 'the gateway stops cleanly on SIGTERM')
        check(spin_until(lambda: c.vanished, 10), 'the service disappears from the bus on stop')
    finally:
        stop(g)
        stop(settings)


def scenario_installed(bus, run, sim, port_link):
    """The Venus OS install (scripts/test-arm-gateway.sh): RUN is the installed service's run
    script, started as daemontools starts it (no arguments: its config.json names the port);
    SIM is the simulator; PORT_LINK is the by-id path the config names, linked here to the
    simulator's pseudo-terminal."""
    settings = start_settings()
    c = Consumer(bus)
    s = subprocess.Popen([sim, '--cells', '16'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    device = s.stdout.readline().strip()
    os.symlink(device, port_link)
    g = subprocess.Popen([run], cwd=os.path.dirname(run), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    try:
        check(spin_until(lambda: c.scans == 1, 60),
              'the installed service registered the battery over ' + port_link)
        it = c.items
        check(isinstance(it['/Soc'], dbus.Double) and isinstance(it['/Voltages/Cell16'], dbus.Double),
              'SOC and 16 cells from the simulator')
        check(isinstance(it['/Info/MaxChargeCurrent'], dbus.Double), 'charge limits published')
        check(port_link in str(it['/Mgmt/Connection']), '/Mgmt/Connection names the by-id port')
        check(stop(g) == 0, 'the service stops cleanly on SIGTERM (svc -d)')
        check(spin_until(lambda: c.vanished, 10), 'the service disappears from the bus on stop')
    finally:
        if stop(g) != 0:
            print(g.stdout.read(), flush=True)
        stop(s)
        stop(settings)


def scenario_instance(bus, gw, sim, state):
    # Another device holds battery:512; the settings service starts after the gateway.
    c = Consumer(bus)
    g = start_gateway(gw, state)
    spin_for(2.5)
    check(c.scans == 0 and g.poll() is None, 'no registration while the settings service is missing')
    settings = start_settings('/Settings/Devices/other_battery/ClassAndVrmInstance=battery:512')
    try:
        check(spin_until(lambda: c.scans == 1, 30), 'registered once the settings service appeared')
        check(c.items['/DeviceInstance'] == 513, 'a taken preferred instance is bumped to 513')
        stop(g)
        check(spin_until(lambda: c.vanished, 10), 'gone after stop')
        g = start_gateway(gw, state)
        check(spin_until(lambda: c.scans == 2, 30), 'registered again after a restart')
        check(c.items['/DeviceInstance'] == 513, 'the instance is stable across restarts')
    finally:
        stop(g)
        stop(settings)


def scenario_second(bus, gw, sim, state):
    settings = start_settings()
    c = Consumer(bus)
    g1 = start_gateway(gw, os.path.join(state, 'a'))
    g2 = None
    try:
        check(spin_until(lambda: c.scans == 1, 30), 'the first gateway registered')
        g2 = start_gateway(gw, os.path.join(state, 'b'))
        # The error is logged while the second gateway keeps running its other outputs.
        deadline = time.monotonic() + 30
        err = ''
        while time.monotonic() < deadline and 'already owned' not in err:
            spin_for(0.5)
            err = read_stderr_so_far(g2)
        check('already owned' in err, 'the second gateway for the same BMS reports a clear error')
        check(c.scans == 1 and not c.vanished, 'the first registration is untouched')
    finally:
        if g2:
            stop(g2)
        stop(g1)
        stop(settings)


_stderr_buffers = {}


def read_stderr_so_far(p):
    import fcntl
    fd = p.stderr.fileno()
    fl = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, fl | os.O_NONBLOCK)
    buf = _stderr_buffers.setdefault(p.pid, [])
    try:
        while True:
            chunk = p.stderr.read()
            if not chunk:
                break
            buf.append(chunk)
    except (BlockingIOError, TypeError):
        pass
    return ''.join(buf)


def scenario_stale(bus, gw, sim, state):
    settings = start_settings()
    c = Consumer(bus)
    s = subprocess.Popen([sim, '--cells', '8'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)
    device = s.stdout.readline().strip()
    check(device.startswith('/dev/'), 'the simulator runs on ' + device)
    g = subprocess.Popen([gw, '--serial', device, '--dbus', '--can', 'log:-', '--state-dir', state,
                          '--poll-interval-ms', '300', '--http', ''],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        check(spin_until(lambda: c.scans == 1, 30), 'registered with the simulator over a pty')
        check(spin_until(lambda: isinstance(c.items.get('/Info/MaxChargeCurrent'), dbus.Double), 20),
              'limits published')
        check(spin_until(lambda: isinstance(c.items.get('/Dc/0/Voltage'), dbus.Double), 20),
              'pack voltage published')
        last_pack_v = float(c.items['/Dc/0/Voltage'])
        s.stdin.write('fault silent on\n')
        s.stdin.flush()
        check(spin_until(lambda: c.items.get('/Alarms/BmsCable') == 2, 30),
              'stale data raises /Alarms/BmsCable = 2')
        it = c.items
        check(is_invalid(it['/Dc/0/Voltage']) and is_invalid(it['/Soc']) and
              is_invalid(it['/Voltages/Cell1']), 'measurements are invalidated (no frozen values)')
        check(it['/Info/MaxChargeCurrent'] == 0 and it['/Info/MaxDischargeCurrent'] == 0,
              'charge and discharge stopped through CCL = DCL = 0')
        check(isinstance(it['/Info/MaxChargeVoltage'], dbus.Double),
              'CVL stays valid: the battery remains the selected BMS')
        # With ESS feeding in DC-coupled PV only CVL stops the MPPTs: it is held at the pack.
        check(float(it['/Info/MaxChargeVoltage']) <= last_pack_v + 0.02,
              'CVL held at or below the last pack voltage (%.2f <= %.2f V)' %
              (float(it['/Info/MaxChargeVoltage']), last_pack_v))
        check(not c.vanished and g.poll() is None, 'the service stays on the bus')
        s.stdin.write('fault silent off\n')
        s.stdin.flush()
        check(spin_until(lambda: c.items.get('/Alarms/BmsCable') == 0 and
                         isinstance(c.items.get('/Dc/0/Voltage'), dbus.Double), 40),
              'fresh data again: recovered in-process')
        check(c.scans == 1, 'no re-registration was needed')
    finally:
        stop(g)
        stop(s)
        stop(settings)


def start_daemon(address):
    d = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--address=' + address,
                          '--print-address'], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True)
    check(d.stdout.readline().startswith('unix:'), 'a dbus-daemon listens on ' + address)
    return d


def scenario_restart(_bus, gw, sim, state):
    """The bus daemon goes away and comes back at the same address: the gateway reconnects and
    registers again in-process, with the same device instance."""
    address = 'unix:path=' + os.path.join(state, 'bus')
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=address)
    daemon = start_daemon(address)
    settings = start_settings(env=env)
    c = Consumer(dbus.bus.BusConnection(address))
    g = start_gateway(gw, os.path.join(state, 'gw'), '--sim-current', '-20', env=env)
    try:
        check(spin_until(lambda: c.scans == 1, 30), 'registered on the first bus')
        instance = c.items['/DeviceInstance']
        stop(settings)
        daemon.kill()
        daemon.wait()
        spin_for(1.0)
        check(g.poll() is None, 'the gateway survives the bus going away')
        os.unlink(os.path.join(state, 'bus'))
        daemon = start_daemon(address)
        settings = start_settings('/Settings/Devices/x/ClassAndVrmInstance=battery:9', env=env)
        c = Consumer(dbus.bus.BusConnection(address))
        check(spin_until(lambda: c.scans == 1, 30), 'registered again on the new bus')
        check(c.items['/DeviceInstance'] == 512 and instance == 512,
              'the same preferred instance is claimed again')
        check(spin_until(lambda: len(c.items_changed) >= 1, 20), 'publishing again')
    finally:
        stop(g)
        stop(settings)
        daemon.kill()
        daemon.wait()


def main():
    scenario, gw, sim, state = sys.argv[1:5]
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    try:
        globals()['scenario_' + scenario](bus, gw, sim, state)
    except Failure as f:
        print('FAIL:', f, flush=True)
        return 1
    print('scenario %s passed' % scenario, flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
