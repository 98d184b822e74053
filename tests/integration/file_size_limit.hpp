// FileSizeLimit: a full disk for the current process, by lowering RLIMIT_FSIZE (a write past it
// fails with EFBIG, as ENOSPC would on a full disk) with SIGXFSZ ignored (else the kernel
// would kill the test). lift() (or the destructor) restores the limit and the signal: the disk
// "frees up". The limit is the whole process's: use it where no other thread of the test writes
// files it needs meanwhile.
#pragma once

#include <sys/resource.h>

#include <csignal>

namespace tbgw::test {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t max_bytes) {
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    ok_ = ::getrlimit(RLIMIT_FSIZE, &saved_) == 0;
    rlimit small = saved_;
    small.rlim_cur = max_bytes;
    ok_ = ok_ && ::setrlimit(RLIMIT_FSIZE, &small) == 0;
  }
  ~FileSizeLimit() { lift(); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

  // Whether the limit was set (check it before relying on a failing write).
  bool ok() const { return ok_; }
  // Restores the limit and the signal; true when the limit was restored.
  bool lift() {
    if (lifted_) return true;
    lifted_ = true;
    const bool restored = ::setrlimit(RLIMIT_FSIZE, &saved_) == 0;
    ::signal(SIGXFSZ, old_handler_);
    return restored;
  }

 private:
  rlimit saved_{};
  void (*old_handler_)(int) = SIG_DFL;
  bool ok_ = false;
  bool lifted_ = false;
};

}  // namespace tbgw::test
