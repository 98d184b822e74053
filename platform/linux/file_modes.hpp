// The modes of what the gateway creates (state directory, config, counters, history, logs).
//
// Under systemd the unit's StateDirectory and UMask decide; run by hand (a Raspberry Pi, a
// test), the shell's usual umask 022 made the state directory 0755 and its files 0644, so any
// local user could read the configuration (MQTT credentials live in it) and the history. The
// secrets were already written 0600 on their own. keep_new_files_private() sets umask 027 for
// the whole process at start: directories 0750, files 0640 (the group may read, for a backup
// user; nobody else).
#pragma once

namespace tbgw::platform {

void keep_new_files_private();

}  // namespace tbgw::platform
