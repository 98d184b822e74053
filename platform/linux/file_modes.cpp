// keep_new_files_private: see file_modes.hpp.
#include "platform/linux/file_modes.hpp"

#include <sys/stat.h>

namespace tbgw::platform {

void keep_new_files_private() {
  ::umask(S_IWGRP | S_IRWXO);  // 027
}

}  // namespace tbgw::platform
