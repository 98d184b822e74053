// PseudoTerminal: the master side of a pty pair, for the simulator.
//
// The simulator holds the master and prints the slave's path (/dev/pts/N); any TinyBMS client,
// the gateway included, opens that path as if it were a USB-serial adapter. The slave is put in
// raw mode here, so a client that does not configure termios still sees bytes unchanged.
#pragma once

#include <string>

#include "platform/linux/tty_error.hpp"

namespace tbgw::platform {

class PseudoTerminal {
 public:
  PseudoTerminal() = default;
  ~PseudoTerminal();
  PseudoTerminal(const PseudoTerminal&) = delete;
  PseudoTerminal& operator=(const PseudoTerminal&) = delete;

  // Opens a new master (non-blocking) and keeps a slave descriptor open so that the master
  // does not see EIO while no client has the slave open yet (a gateway that restarts must
  // find the simulator still there).
  Result<void, TtyError> open();
  void close();

  int master_fd() const { return master_fd_; }
  const std::string& slave_path() const { return slave_path_; }

 private:
  int master_fd_ = -1;
  int slave_keepalive_fd_ = -1;
  std::string slave_path_;
};

}  // namespace tbgw::platform
