#!/usr/bin/python3
"""A minimal com.victronenergy.settings (Venus OS localsettings) for the D-Bus tests.

AddSettings semantics from localsettings (spec/venus-dbus.md §1): an existing path keeps its
stored value; a ClassAndVrmInstance default "class:N" whose N is held by another unique id is
bumped to the next free N of that class; SetValue to a taken instance stores the next free one.
Every setting path answers the BusItem GetValue/SetValue. Runs until killed.
"""

import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

SETTINGS = 'com.victronenergy.Settings'
BUSITEM = 'com.victronenergy.BusItem'


class Settings(dbus.service.Object):
    def __init__(self, bus):
        dbus.service.Object.__init__(self, bus, '/')
        self.bus = bus
        self.values = {}
        self.items = {}

    def taken(self, cls, n, path):
        for p, v in self.values.items():
            if p != path and p.endswith('/ClassAndVrmInstance') and str(v) == '%s:%d' % (cls, n):
                return True
        return False

    def free_instance(self, value, path):
        cls, _, n = str(value).partition(':')
        n = int(n)
        while self.taken(cls, n, path):
            n += 1
        return '%s:%d' % (cls, n)

    @dbus.service.method(SETTINGS, in_signature='aa{sv}', out_signature='aa{sv}')
    def AddSettings(self, settings):
        result = []
        for s in settings:
            path = str(s['path'])
            if path not in self.values:
                value = s['default']
                if path.endswith('/ClassAndVrmInstance'):
                    value = self.free_instance(value, path)
                self.values[path] = dbus.String(value) if isinstance(value, str) else value
                self.items[path] = Item(self, path)
            result.append({'path': path, 'error': dbus.Int32(0), 'value': self.values[path]})
        return result


class Item(dbus.service.Object):
    def __init__(self, settings, path):
        dbus.service.Object.__init__(self, settings.bus, path)
        self.settings = settings
        self.path = path

    @dbus.service.method(BUSITEM, out_signature='v')
    def GetValue(self):
        return self.settings.values[self.path]

    @dbus.service.method(BUSITEM, in_signature='v', out_signature='i')
    def SetValue(self, value):
        if self.path.endswith('/ClassAndVrmInstance'):
            value = self.settings.free_instance(value, self.path)
        self.settings.values[self.path] = value
        return 0


def main():
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    s = Settings(bus)
    for arg in sys.argv[1:]:  # pre-seeded "path=value" (an instance another device holds)
        path, _, value = arg.partition('=')
        s.values[path] = dbus.String(value)
        s.items[path] = Item(s, path)
    name = dbus.service.BusName('com.victronenergy.settings', bus)  # kept: released when collected
    print('settings ready', flush=True)
    GLib.MainLoop().run()
    del name


if __name__ == '__main__':
    main()
