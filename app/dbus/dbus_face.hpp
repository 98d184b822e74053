// DbusFace: the battery on Venus OS's own D-Bus, com.victronenergy.battery.tinybms_<serial>
// (issue 12, spec/venus-dbus.md, docs/venus-os.md).
//
// Theory of operation: a small state machine on the gateway's one Asio loop.
//   connecting -> (Hello answered) -> waiting for com.victronenergy.settings and for the BMS
//   serial number (polled every second; a GX starts localsettings before us, a test may not)
//   -> AddSettings /Settings/Devices/tinybms_<serial>/{ClassAndVrmInstance,CustomName}
//   -> every path filled (mapper run once) and the objects registered -> RequestName with
//   DO_NOT_QUEUE ("register last": DbusMonitor scans once, when the name appears)
//   -> running: every second the mapper updates the table and one ItemsChanged carries what
//   changed (nothing when nothing changed).
// Faults: the name already owned (a second gateway on the same BMS) -> a clear error and the
// face gives up (never a silent duplicate). The bus going away -> close, reconnect every 2 s and
// run the whole sequence again (the instance is the same: localsettings keeps it by unique id).
// The gateway never stops because of this face (faces.hpp).
//
// Bounds: one connection, a fixed value table, one signal per second at most.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "app/faces.hpp"
#include "app/service/gateway_services.hpp"

namespace tbgw::app::dbus {

// nullptr when venus.enabled is false or the configuration cannot work (logged).
std::unique_ptr<Face> start_dbus_face(boost::asio::io_context& io, GatewayServices& services);

}  // namespace tbgw::app::dbus
